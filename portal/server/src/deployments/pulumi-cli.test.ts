/**
 * The real engine against a stand-in CLI (test-support/fake-pulumi.ts): no secret value ever reaches a
 * command line, a failing CLI is reported by its own error line, and a CLI that ignores cancellation is
 * killed with its process group, after which the next run clears the lock it left.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { isAlive as alive } from "../test-support/process.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFakePulumi, FAKE_CLI_ERROR, type FakePulumi } from "../test-support/fake-pulumi.js";
import { signUp, startTestPortal, type TestPortal } from "../test-support/portal.js";
import { createProject, deploy, waitForDeployment, waitForStatus } from "../test-support/projects.js";
import { tempDir } from "../../../../test/support/temp-dir.js";

const SECRET = "TOPSECRET-hunter2";
// Breaks naive masking of JSON text (the old event writer crashed the portal on it).
const JSON_BREAKER = '","op';

let portal: TestPortal;
let owner: string;
let fake: FakePulumi;
let stateDir: string;
beforeAll(async () => {
  const dir = tempDir("fake-cli");
  fake = createFakePulumi(join(dir, "cli"));
  stateDir = join(dir, "state");
  portal = await startTestPortal({
    env: {
      DEPLOY_ENGINE: "pulumi",
      PULUMI_CLI_PATH: fake.path,
      PULUMI_BACKEND_URL: pathToFileURL(stateDir).href,
      PULUMI_CONFIG_PASSPHRASE: "correct passphrase",
    },
  });
  owner = await signUp(portal, "owner@example.com");
  await createProject(portal, owner, "shop", [{ name: "web", image: "nginx:1.27", port: 80, secretEnv: { API_KEY: SECRET, ODD: JSON_BREAKER } }]);
});
afterAll(async () => {
  await portal?.stop();
});

describe("the real engine with a failing CLI", () => {
  it("shows the CLI's own error, and no secret reaches a command line, a response or a log", async () => {
    fake.setMode("fail");
    const id = await deploy(portal, owner, "shop");
    const finished = await waitForDeployment(portal, owner, "shop", id);
    expect(finished.status).toBe("failed");
    expect(finished.error).toBe(`pulumi failed: ${FAKE_CLI_ERROR}`);
    // The CLI outside …/bin/pulumi was the one that ran.
    expect(fake.argv()).toMatch(/^up /m);
    for (const secret of [SECRET, JSON_BREAKER]) {
      expect(fake.argv()).not.toContain(secret);
      expect(JSON.stringify(finished)).not.toContain(secret);
      expect(portal.logs.join("")).not.toContain(secret);
    }
    expect((await portal.request("GET", "/api/health")).status).toBe(200);
  });
});

describe("a CLI that ignores cancellation", () => {
  it("is killed with its process group, and the next run clears the lock it left", async () => {
    fake.setMode("hang");
    const id = await deploy(portal, owner, "shop");
    await waitForStatus(portal, owner, "shop", id, "running");
    const deadline = Date.now() + 30_000;
    while (fake.hungPid() === undefined && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    const pid = fake.hungPid()!;
    expect(alive(pid)).toBe(true);
    const locks = join(stateDir, ".pulumi", "locks", "organization", "babyhelm-project", "shop");
    expect(readdirSync(locks)).toHaveLength(1);

    expect((await portal.request("POST", `/api/projects/shop/deployments/${id}/cancel`, { cookie: owner, body: {} })).status).toBe(202);
    const cancelled = await waitForDeployment(portal, owner, "shop", id, 40_000);
    expect(cancelled.status).toBe("cancelled");
    expect(alive(pid)).toBe(false);
    expect(readdirSync(locks)).toHaveLength(1);

    fake.setMode("fail");
    const next = await waitForDeployment(portal, owner, "shop", await deploy(portal, owner, "shop"));
    // Not "the stack is currently locked": the lock of the killed run was cleared first.
    expect(next.error).toBe(`pulumi failed: ${FAKE_CLI_ERROR}`);
    expect(existsSync(locks) && readdirSync(locks).length > 0).toBe(false);
  }, 90_000);
});
