/**
 * The portal keys the secret checksum on pod templates with a per-project key derived from SECRETS_KEY:
 * the manifests a viewer reads, what a deploy records and what its engine is given all carry the same
 * HMAC, which a secret change changes and which nobody without SECRETS_KEY can reproduce.
 */
import { randomBytes } from "node:crypto";
import { renderProject, UNKEYED_SECRET_CHECKSUM, type ProjectSpec } from "@babyhelm/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { signUp, startTestPortal, type TestPortal } from "../test-support/portal.js";
import { createProject, deploy, waitForDeployment } from "../test-support/projects.js";
import { projectSecretChecksumKey } from "./secret-checksum-key.js";

const ANNOTATION = "babyhelm.io/secret-env-checksum";
const PROJECT = "keyed";
const SECRET = "keyed-test-secret-1";
const ROTATED = "keyed-test-secret-2";

describe("projectSecretChecksumKey", () => {
  it("is 64 hex digits, the same every time, and another for another project or another SECRETS_KEY", () => {
    const secretsKey = randomBytes(32);
    const key = projectSecretChecksumKey(secretsKey, "shop");
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(projectSecretChecksumKey(Buffer.from(secretsKey), "shop")).toBe(key);
    expect(projectSecretChecksumKey(secretsKey, "shop2")).not.toBe(key);
    expect(projectSecretChecksumKey(randomBytes(32), "shop")).not.toBe(key);
    expect(key).not.toContain(secretsKey.toString("hex"));
  });
});

describe("the secret checksum in a portal", () => {
  let portal: TestPortal;
  let owner: string;
  let viewer: string;
  beforeAll(async () => {
    portal = await startTestPortal({ env: { DEPLOY_ENGINE: "mock" } });
    owner = await signUp(portal, "keyed-owner@example.com");
    viewer = await signUp(portal, "keyed-viewer@example.com");
    await createProject(portal, owner, PROJECT, [{ name: "web", image: "nginx:1.27", port: 80, secretEnv: { API_KEY: SECRET } }]);
    const added = await portal.request("POST", `/api/projects/${PROJECT}/members`, { cookie: owner, body: { email: "keyed-viewer@example.com", role: "viewer" } });
    if (added.status !== 201) throw new Error(added.text);
  });
  afterAll(async () => {
    await portal?.stop();
  });

  const checksumOf = (objects: unknown[]) =>
    (objects as { kind?: string; spec?: { template: { metadata?: { annotations?: Record<string, string> } } } }[]).find((object) => object.kind === "Deployment")?.spec?.template
      .metadata?.annotations?.[ANNOTATION];
  const served = async (cookie: string) => {
    const answer = await portal.request("GET", `/api/projects/${PROJECT}/manifests`, { cookie });
    expect(answer.status, answer.text).toBe(200);
    return checksumOf(parseAllDocuments(answer.text).map((document) => document.toJS()));
  };
  const specWith = async (secret: string): Promise<ProjectSpec> => {
    const masked = (await portal.request("GET", `/api/projects/${PROJECT}/spec`, { cookie: owner })).json as ProjectSpec;
    return { ...masked, apps: masked.apps.map((app) => (app.secretEnv ? { ...app, secretEnv: { API_KEY: secret } } : app)) };
  };

  it("shows viewers the HMAC under the project's key, which no render without SECRETS_KEY reproduces", async () => {
    const shown = await served(viewer);
    expect(shown).toMatch(/^[0-9a-f]{64}$/);
    const key = projectSecretChecksumKey(portal.config.secretsKey, PROJECT);
    expect(shown).toBe(checksumOf(await renderProject(await specWith(SECRET), { platform: portal.config.platform, secretChecksumKey: key })));
    // Whoever guesses the secret right but lacks the key gets something else.
    expect(checksumOf(await renderProject(await specWith(SECRET), { platform: portal.config.platform }))).toBe(UNKEYED_SECRET_CHECKSUM);
    const otherKey = projectSecretChecksumKey(randomBytes(32), PROJECT);
    expect(checksumOf(await renderProject(await specWith(SECRET), { platform: portal.config.platform, secretChecksumKey: otherKey }))).not.toBe(shown);
  });

  it("records on each deployment the checksum the manifests show, and a new secret value changes it", async () => {
    const first = await served(owner);
    const deployed = await waitForDeployment(portal, owner, PROJECT, await deploy(portal, owner, PROJECT));
    expect(deployed.status, deployed.error ?? "").toBe("succeeded");
    const recorded = async (id: string) => checksumOf((await portal.portal.database.knex("deployments").where({ id }).first()).manifests);
    expect(await recorded(deployed.id)).toBe(first);

    const patched = await portal.request("PATCH", `/api/projects/${PROJECT}/apps/web`, { cookie: owner, body: { secretEnv: { API_KEY: ROTATED } } });
    expect(patched.status, patched.text).toBe(200);
    const second = await served(owner);
    expect(second).toMatch(/^[0-9a-f]{64}$/);
    expect(second).not.toBe(first);
    const redeployed = await waitForDeployment(portal, owner, PROJECT, await deploy(portal, owner, PROJECT));
    expect(redeployed.status, redeployed.error ?? "").toBe("succeeded");
    expect(await recorded(redeployed.id)).toBe(second);
    // Deploying again without a change keeps the checksum: the pods do not restart for nothing.
    expect(await served(owner)).toBe(second);
    // Two deployments, each waited for up to a minute: under CI's load the default 30 s is not enough.
  }, 150_000);
});
