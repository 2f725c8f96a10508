/**
 * Real deployments that do not end well: cancelled while Pulumi waits for a rollout, stopped by
 * DEPLOY_TIMEOUT_MS, and a portal killed with SIGKILL in the middle. Each must leave the project
 * deployable by the next run (the file backend's real lock released or cleared), with nothing stored lost.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { AppsV1Api } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toolchainHome } from "../../../../toolchain/tools.mjs";
import { realPlatform } from "../test-support/cluster.js";
import { mainPortalSetup, signUpOn, type MainPortalSetup } from "../test-support/main-portal.js";
import { signUp, startTestPortal, type TestPortal } from "../test-support/portal.js";
import { isAlive, startMain, waitForOutput, type Started } from "../test-support/process.js";
import { createProject, deploy, waitForDeployment, waitForStatus } from "../test-support/projects.js";
import { freezeRollouts, thawRollouts, waitForRolloutWait } from "../test-support/stuck-rollout.js";

const suffix = randomBytes(3).toString("hex");
const app = { name: "web", image: "nginx:1.27", port: 80, secretEnv: { TOKEN: "kept-across-interruptions" } };

/** The live processes working in a stack's directory: the Pulumi CLI and its plugins run there. */
function processesUsing(path: string): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const inside = readlinkSync(`/proc/${pid}/cwd`).startsWith(path) || readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(path);
        return inside && isAlive(Number(pid));
      } catch {
        return false;
      }
    })
    .map(Number);
}

function describeProcesses(pids: number[]): string {
  return pids
    .map((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8").split(" ");
        return `${pid} (parent ${stat[3]}, group ${stat[4]}): ${readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").slice(0, 160)}`;
      } catch {
        return `${pid} (gone)`;
      }
    })
    .join("; ");
}

function stackLocks(dataDir: string, stack: string): string[] {
  const dir = join(dataDir, "pulumi-state", ".pulumi", "locks", "organization", "babyhelm-project", stack);
  return existsSync(dir) ? readdirSync(dir) : [];
}

describe.skipIf(!realPlatform)("real deployments that are interrupted", () => {
  const platform = realPlatform!;
  const engineEnv = { DEPLOY_ENGINE: "pulumi", KUBECONFIG: platform.kubeconfig, BABYHELM_TOOLCHAIN_HOME: toolchainHome() };
  const image = async (namespace: string) =>
    (await platform.kube.makeApiClient(AppsV1Api).readNamespacedDeployment({ name: "web", namespace })).spec!.template.spec!.containers[0]!.image;

  let portal: TestPortal;
  let owner: string;
  beforeAll(async () => {
    portal = await startTestPortal({ env: engineEnv });
    owner = await signUp(portal, "interrupted@example.com");
  });
  afterAll(async () => {
    await portal?.stop();
  });

  async function deployed(project: string): Promise<void> {
    await createProject(portal, owner, project, [app], { cpu: "1", memory: "1Gi", pods: 6 });
    const first = await waitForDeployment(portal, owner, project, await deploy(portal, owner, project), 240_000);
    expect(first.status, `${first.error}\n${first.log}`).toBe("succeeded");
  }

  async function newImageStuck(project: string, on: TestPortal = portal): Promise<string> {
    await freezeRollouts(platform.kube, project);
    expect((await on.request("PATCH", `/api/projects/${project}/apps/web`, { cookie: owner, body: { image: "nginx:1.27.3" } })).status).toBe(200);
    const id = await deploy(on, owner, project);
    await waitForStatus(on, owner, project, id, "running", 120_000);
    await waitForRolloutWait(on.portal, id);
    return id;
  }

  async function deploysAgain(project: string, on: TestPortal = portal): Promise<void> {
    await thawRollouts(platform.kube, project);
    const next = await waitForDeployment(on, owner, project, await deploy(on, owner, project), 240_000);
    expect(next.status, `${next.error}\n${next.log}`).toBe("succeeded");
    expect(await image(project)).toBe("nginx:1.27.3");
    const stored = await on.request("GET", `/api/projects/${project}/apps/web`, { cookie: owner });
    expect(stored.json.app).toMatchObject({ image: "nginx:1.27.3", secretEnv: { TOKEN: "********" } });
  }

  it("cancelled while Pulumi waits for a rollout: the engine stops, and the next run deploys", async () => {
    const project = `cancel-${suffix}`;
    await deployed(project);
    const id = await newImageStuck(project);
    const workDir = join(portal.config.dataDir, "pulumi", "workspaces", project);
    expect(processesUsing(workDir).length).toBeGreaterThan(0);
    expect((await portal.request("POST", `/api/projects/${project}/deployments/${id}/cancel`, { cookie: owner, body: {} })).status).toBe(202);
    const cancelled = await waitForDeployment(portal, owner, project, id, 60_000);
    expect(cancelled.status).toBe("cancelled");
    expect(processesUsing(workDir)).toEqual([]);
    await deploysAgain(project);
  }, 600_000);

  it("stopped by DEPLOY_TIMEOUT_MS with a message that says so, and the next run deploys", async () => {
    const project = `timeout-${suffix}`;
    await deployed(project);
    // The same database and data directory, served by a portal whose deployments may take 45 seconds: long
    // enough to reach the rollout on a busy CI machine (three test files at once), short for a test.
    await portal.stop({ keepDataDir: true });
    const hasty = await startTestPortal({ env: { ...engineEnv, DATABASE_URL: portal.config.databaseUrl!, DATA_DIR: portal.config.dataDir, DEPLOY_TIMEOUT_MS: "45000" } });
    try {
      const id = await newImageStuck(project, hasty);
      const timedOut = await waitForDeployment(hasty, owner, project, id, 180_000);
      expect(timedOut.status).toBe("cancelled");
      expect(timedOut.error).toMatch(/still running after .*DEPLOY_TIMEOUT_MS/);
    } finally {
      await hasty.stop({ keepDataDir: true });
    }
    portal = await startTestPortal({ env: { ...engineEnv, DATABASE_URL: portal.config.databaseUrl!, DATA_DIR: portal.config.dataDir } });
    await deploysAgain(project);
  }, 600_000);

  it("a failing CLI is reported by its own error line, with no secret in it, and the stack is left as it was", async () => {
    const project = `failing-${suffix}`;
    await deployed(project);
    await portal.stop({ keepDataDir: true });
    // The state was encrypted with another passphrase: the real CLI refuses to decrypt it.
    const wrong = await startTestPortal({
      env: { ...engineEnv, DATABASE_URL: portal.config.databaseUrl!, DATA_DIR: portal.config.dataDir, PULUMI_CONFIG_PASSPHRASE: "not the passphrase" },
    });
    try {
      const failed = await waitForDeployment(wrong, owner, project, await deploy(wrong, owner, project), 120_000);
      expect(failed.status).toBe("failed");
      expect(failed.error).toMatch(/^pulumi failed: error: .*incorrect passphrase/);
      expect(JSON.stringify(failed) + wrong.logs.join("")).not.toContain("kept-across-interruptions");
    } finally {
      await wrong.stop({ keepDataDir: true });
    }
    portal = await startTestPortal({ env: { ...engineEnv, DATABASE_URL: portal.config.databaseUrl!, DATA_DIR: portal.config.dataDir } });
    const next = await waitForDeployment(portal, owner, project, await deploy(portal, owner, project), 240_000);
    expect(next.status, `${next.error}\n${next.log}`).toBe("succeeded");
    expect(Object.keys(next.summary ?? {})).toEqual(["same"]);
  }, 600_000);
});

describe.skipIf(!realPlatform)("a portal killed with SIGKILL during a real deployment", () => {
  const platform = realPlatform!;
  let setup: MainPortalSetup;
  let env: Record<string, string>;
  const started: Started[] = [];
  beforeAll(async () => {
    setup = await mainPortalSetup("babyhelm-real-kill-", {
      DEPLOY_ENGINE: "pulumi",
      DEPLOY_STALE_AFTER_MS: "1500",
      KUBECONFIG: platform.kubeconfig,
      BABYHELM_TOOLCHAIN_HOME: toolchainHome(),
    });
    env = setup.env;
  });
  afterAll(async () => {
    for (const portal of started) if (portal.child.exitCode === null) portal.child.kill("SIGKILL");
    await setup?.smtp.close();
  });

  const call = (method: string, path: string, cookie?: string, body?: unknown) => setup.call(method, path, cookie, body);
  const cookieJar: { owner?: string } = {};
  const finished = async (project: string, id: string, timeoutMs = 240_000) => {
    for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 250))) {
      const { deployment } = (await call("GET", `/api/projects/${project}/deployments/${id}`, cookieJar.owner)).json;
      if (["succeeded", "failed", "cancelled"].includes(deployment.status)) return deployment;
    }
    throw new Error(`deployment ${id} did not finish`);
  };

  it("leaves a run the next portal marks interrupted; the killed engine is gone and the next run deploys", async () => {
    const project = `killed-${suffix}`;
    const first = startMain(env);
    started.push(first);
    await waitForOutput(first, "portal listening");
    const cookie = (cookieJar.owner = await signUpOn(setup, "ops@example.com"));
    expect((await call("POST", "/api/projects", cookie, { name: project, quota: { cpu: "1", memory: "1Gi", pods: 6 } })).status).toBe(201);
    expect((await call("POST", `/api/projects/${project}/apps`, cookie, app)).status).toBe(201);
    const initial = await finished(project, (await call("POST", `/api/projects/${project}/deployments`, cookie, {})).json.deployment.id);
    expect(initial.status, initial.error).toBe("succeeded");

    await freezeRollouts(platform.kube, project);
    expect((await call("PATCH", `/api/projects/${project}/apps/web`, cookie, { image: "nginx:1.27.3" })).status).toBe(200);
    const id = (await call("POST", `/api/projects/${project}/deployments`, cookie, {})).json.deployment.id;
    const workDir = join(env.DATA_DIR!, "pulumi", "workspaces", project);
    for (const deadline = Date.now() + 120_000; processesUsing(workDir).length === 0; await new Promise((resolve) => setTimeout(resolve, 200))) {
      if (Date.now() > deadline) throw new Error("the engine never started");
    }
    // Give Pulumi time to start the update and take the stack's lock.
    for (const deadline = Date.now() + 120_000; stackLocks(env.DATA_DIR!, project).length === 0; await new Promise((resolve) => setTimeout(resolve, 200))) {
      if (Date.now() > deadline) throw new Error("the update never took its lock");
    }

    first.child.kill("SIGKILL");
    await first.exited;
    // The orphaned engine stops by itself, its Pulumi CLI and plugins with it.
    for (const deadline = Date.now() + 30_000; processesUsing(workDir).length > 0; await new Promise((resolve) => setTimeout(resolve, 250))) {
      if (Date.now() > deadline) throw new Error(`processes of the killed run are still alive: ${describeProcesses(processesUsing(workDir))}`);
    }

    const second = startMain(env);
    started.push(second);
    await waitForOutput(second, "portal listening");
    const interrupted = await finished(project, id, 60_000);
    expect(interrupted.status).toBe("failed");
    expect(interrupted.error).toMatch(/^interrupted: /);

    await thawRollouts(platform.kube, project);
    const next = await finished(project, (await call("POST", `/api/projects/${project}/deployments`, cookie, {})).json.deployment.id);
    expect(next.status, next.error).toBe("succeeded");
    expect(stackLocks(env.DATA_DIR!, project)).toEqual([]);
    const live = await platform.kube.makeApiClient(AppsV1Api).readNamespacedDeployment({ name: "web", namespace: project });
    expect(live.spec!.template.spec!.containers[0]!.image).toBe("nginx:1.27.3");
    second.child.kill("SIGTERM");
    expect((await second.exited).code).toBe(0);
  }, 600_000);
});
