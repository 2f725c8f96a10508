/** Engine output is stored with every secret value masked, whatever characters the secret holds. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUp, startTestPortal, type TestPortal } from "../test-support/portal.js";
import { createProject, deploy, waitForDeployment } from "../test-support/projects.js";
import { EventWriter, maskEventData, SECRET_MASK } from "./event-writer.js";

// Secrets that break masking done on JSON text: quotes, backslashes, JSON syntax, a key name.
const SECRETS = ['","op', "back\\slash", "{}[]", "line\nbreak", "API_KEY_VALUE"];

describe("maskEventData", () => {
  it("masks secrets in nested strings and keys, and keeps everything else", () => {
    const masked = maskEventData({ line: `token ","op and back\\slash`, nested: [{ "{}[]": "line\nbreak" }], count: 3, ok: true, none: null }, SECRETS);
    expect(masked).toEqual({ line: `token ${SECRET_MASK} and ${SECRET_MASK}`, nested: [{ [SECRET_MASK]: SECRET_MASK }], count: 3, ok: true, none: null });
  });
});

describe("EventWriter", () => {
  let portal: TestPortal;
  let deploymentId: string;
  beforeAll(async () => {
    portal = await startTestPortal({ env: { DEPLOY_ENGINE: "mock" } });
    const owner = await signUp(portal, "owner@example.com");
    await createProject(portal, owner, "shop");
    deploymentId = (await waitForDeployment(portal, owner, "shop", await deploy(portal, owner, "shop"))).id;
  });
  afterAll(async () => {
    await portal?.stop();
  });

  it("stores lines holding secrets, masked", async () => {
    // A writer of our own, from sequence 1: the run's own events go first.
    await portal.portal.database.models.DeploymentEvent.query().delete().where({ deploymentId });
    const errors: unknown[] = [];
    const writer = new EventWriter(portal.portal.database, deploymentId, SECRETS, (error) => errors.push(error));
    for (const secret of SECRETS) writer.add("output", { line: `value=${secret};` });
    await writer.flush();
    expect(errors).toEqual([]);
    const rows = await portal.portal.database.models.DeploymentEvent.query().where({ deploymentId }).orderBy("sequence");
    expect(rows.map((row) => row.data.line)).toEqual(SECRETS.map(() => `value=${SECRET_MASK};`));
  });

  it("reports a batch it could not store instead of throwing", async () => {
    const errors: unknown[] = [];
    const writer = new EventWriter(portal.portal.database, "999999999", [], (error) => errors.push(error));
    writer.add("output", { line: "to a deployment that does not exist" });
    await expect(writer.flush()).resolves.toBeUndefined();
    expect(errors).toHaveLength(1);
  });
});
