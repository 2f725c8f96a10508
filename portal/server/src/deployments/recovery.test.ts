/**
 * A portal killed in the middle of a deployment (SIGKILL: no shutdown at all). Another portal on the same
 * database marks the run failed as interrupted, unlocks the project's queue, and the next deployment runs.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mainPortalSetup, signUpOn, type MainPortalSetup } from "../test-support/main-portal.js";
import { startMain, waitForOutput, type Started } from "../test-support/process.js";

let setup: MainPortalSetup;
let env: Record<string, string>;
const started: Started[] = [];

beforeAll(async () => {
  setup = await mainPortalSetup("babyhelm-recovery-", { DEPLOY_ENGINE: "mock", MOCK_ENGINE_STEP_MS: "1500", DEPLOY_STALE_AFTER_MS: "1500" });
  env = setup.env;
});
afterAll(async () => {
  for (const portal of started) if (portal.child.exitCode === null) portal.child.kill("SIGKILL");
  await setup?.smtp.close();
});

const call = (method: string, path: string, cookie?: string, body?: unknown) => setup.call(method, path, cookie, body);

/** Registers, confirms and logs in a new user with a one-app project; returns the session cookie. */
async function userWithProject(email: string, project: string): Promise<string> {
  const cookie = await signUpOn(setup, email);
  expect((await call("POST", "/api/projects", cookie, { name: project, quota: { cpu: "1", memory: "1Gi" } })).status).toBe(201);
  expect((await call("POST", `/api/projects/${project}/apps`, cookie, { name: "web", image: "nginx:1.27", port: 80 })).status).toBe(201);
  return cookie;
}

async function until<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("a portal killed during a deployment", () => {
  it("leaves a run that the next portal marks interrupted, and the project deploys again", async () => {
    const first = startMain(env);
    started.push(first);
    await waitForOutput(first, "portal listening");
    const cookie = await userWithProject("ops@example.com", "shop");
    const { json } = await call("POST", "/api/projects/shop/deployments", cookie, {});
    const id = json.deployment.id;
    await until(async () => ((await call("GET", `/api/projects/shop/deployments/${id}`, cookie)).json.deployment.status === "running" ? true : undefined), "the run to start");

    first.child.kill("SIGKILL");
    await first.exited;

    const second = startMain(env);
    started.push(second);
    await waitForOutput(second, "portal listening");
    const interrupted = await until(async () => {
      const { deployment } = (await call("GET", `/api/projects/shop/deployments/${id}`, cookie)).json;
      return deployment.status === "running" ? undefined : deployment;
    }, "the interrupted run to be noticed");
    expect(interrupted.status).toBe("failed");
    expect(interrupted.error).toMatch(/^interrupted: /);

    const next = (await call("POST", "/api/projects/shop/deployments", cookie, {})).json.deployment.id;
    const finished = await until(
      async () => {
        const { deployment } = (await call("GET", `/api/projects/shop/deployments/${next}`, cookie)).json;
        return ["succeeded", "failed", "cancelled"].includes(deployment.status) ? deployment : undefined;
      },
      "the next deployment",
      90_000,
    );
    expect(finished.status, finished.error).toBe("succeeded");
    second.child.kill("SIGTERM");
    expect((await second.exited).code).toBe(0);
  }, 180_000);
});

describe("a portal shut down (SIGTERM) during a deployment", () => {
  it("cancels the run, and the next portal still runs the project's queued deployment", async () => {
    const first = startMain(env);
    started.push(first);
    await waitForOutput(first, "portal listening");
    const cookie = await userWithProject("shutdown@example.com", "store");
    const running = (await call("POST", "/api/projects/store/deployments", cookie, {})).json.deployment.id;
    const queued = (await call("POST", "/api/projects/store/deployments", cookie, {})).json.deployment.id;
    await until(
      async () => ((await call("GET", `/api/projects/store/deployments/${running}`, cookie)).json.deployment.status === "running" ? true : undefined),
      "the run to start",
    );

    first.child.kill("SIGTERM");
    expect((await first.exited).code, first.output().slice(-3000)).toBe(0);

    const second = startMain(env);
    started.push(second);
    await waitForOutput(second, "portal listening");
    const stopped = (await call("GET", `/api/projects/store/deployments/${running}`, cookie)).json.deployment;
    expect(stopped.status).toBe("cancelled");
    expect(stopped.error).toMatch(/the portal shut down/);
    const next = await until(
      async () => {
        const { deployment } = (await call("GET", `/api/projects/store/deployments/${queued}`, cookie)).json;
        return ["succeeded", "failed", "cancelled"].includes(deployment.status) ? deployment : undefined;
      },
      "the queued deployment",
      90_000,
    );
    expect(next.status, next.error).toBe("succeeded");
    second.child.kill("SIGTERM");
    expect((await second.exited).code).toBe(0);
  }, 180_000);
});
