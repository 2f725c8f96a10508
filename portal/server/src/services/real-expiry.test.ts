/**
 * An expiring project with the real engine and the test run's local cluster: deployed for real, given an
 * expiry, warned about by mail, and at expiry destroyed by the portal's own sweep (no request asks): the
 * namespace disappears from the API server, the project from the API (404), and the audit log says the
 * platform did it. The API refuses expiries less than 5 minutes ahead, so the test moves the stored time
 * into the past in the portal's database, as the clock would.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { namespaceExists, realPlatform } from "../test-support/cluster.js";
import { liveProjectObjects } from "../test-support/live-objects.js";
import { signUp, startTestPortal, type TestPortal } from "../test-support/portal.js";
import { createProject, deploy, waitForDeployment } from "../test-support/projects.js";

const name = `expiry-${randomBytes(3).toString("hex")}`;
let portal: TestPortal;
let owner: string;

describe.skipIf(!realPlatform)("an expiring project on the local cluster", () => {
  const platform = realPlatform!;

  beforeAll(async () => {
    portal = await startTestPortal({
      env: { DEPLOY_ENGINE: "pulumi", KUBECONFIG: platform.kubeconfig, PULUMI_CLI_PATH: platform.pulumi, PULUMI_HOME: platform.pulumiHome, EXPIRY_CHECK_INTERVAL_MS: "500" },
    });
    owner = await signUp(portal, "preview@example.com");
  });
  afterAll(async () => {
    await portal?.stop();
  });

  it("is destroyed at expiry: its namespace disappears, the project answers 404, the audit log names no actor", async () => {
    await createProject(portal, owner, name, [{ name: "web", image: "nginx:1.27", port: 80, replicas: 1 }], { cpu: "500m", memory: "512Mi", pods: 5 });
    const deployed = await waitForDeployment(portal, owner, name, await deploy(portal, owner, name), 240_000);
    expect(deployed.status, `${deployed.error}\n${deployed.log}`).toBe("succeeded");
    expect(await namespaceExists(platform.kube, name)).toBe(true);

    const expiresAt = new Date(Date.now() + 60 * 60_000).toISOString();
    const set = await portal.request("PATCH", `/api/projects/${name}`, { cookie: owner, body: { expiresAt } });
    expect(set.status, set.text).toBe(200);
    const warning = await portal.smtp.waitFor((mail) => mail.subject.startsWith(`${name} expires`));
    expect(warning.to).toContain("preview@example.com");

    // The clock moves on: the expiry is now.
    const { knex } = portal.portal.database;
    await knex("projects")
      .where({ name })
      .update({ expiresAt: knex.raw("now()") });

    let gone = false;
    for (const deadline = Date.now() + 240_000; Date.now() < deadline && !gone; await new Promise((resolve) => setTimeout(resolve, 500))) {
      gone = (await portal.request("GET", `/api/projects/${name}`, { cookie: owner })).status === 404;
    }
    expect(gone).toBe(true);
    expect(await namespaceExists(platform.kube, name)).toBe(false);
    expect(await liveProjectObjects(platform.kube, name)).toEqual([]);
    expect((await portal.request("GET", "/api/projects", { cookie: owner })).json.items).toEqual([]);

    const entries = await knex("audit_log").whereIn("action", ["project.expire", "deployment.destroy"]).orderBy("id");
    expect(entries.map((entry) => [entry.action, entry.actorId])).toEqual([
      ["deployment.destroy", null],
      ["project.expire", null],
    ]);
    expect(entries[1].details).toMatchObject({ name, expiresAt: expect.any(String), deploymentId: entries[0].details.deploymentId, attempt: 1 });
  }, 480_000);
});
