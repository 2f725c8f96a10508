/**
 * Deployments through the queue, on real PostgreSQL, with the test engine (the real project program under
 * Pulumi's mocks, in its own process) and, without a Pulumi CLI, the real engine. The same behaviours with
 * the real engine and cluster: real-deploy, real-queue and real-interruptions tests.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_MISSING } from "./protocol.js";
import { signUp, startTestPortal, type TestPortal } from "../test-support/portal.js";
import { createProject, deploy, readEvents, waitForDeployment, waitForStatus } from "../test-support/projects.js";
import { tempDir } from "../../../../test/support/temp-dir.js";

let portal: TestPortal;
let owner: string;
beforeAll(async () => {
  portal = await startTestPortal({ env: { DEPLOY_ENGINE: "mock", MOCK_ENGINE_STEP_MS: "60", WORKER_CONCURRENCY: "2" } });
  owner = await signUp(portal, "owner@example.com");
  await createProject(portal, owner, "alpha");
  await createProject(portal, owner, "beta");
});
afterAll(async () => {
  await portal?.stop();
});

const span = (deployment: { startedAt: string | null; finishedAt: string | null }) => [Date.parse(deployment.startedAt!), Date.parse(deployment.finishedAt!)] as const;

describe("the deployment queue", () => {
  it("never overlaps two deployments of one project, and runs two projects' at once", async () => {
    const [a1, a2, b1] = [await deploy(portal, owner, "alpha"), await deploy(portal, owner, "alpha"), await deploy(portal, owner, "beta")];
    const [first, second, other] = await Promise.all([
      waitForDeployment(portal, owner, "alpha", a1),
      waitForDeployment(portal, owner, "alpha", a2),
      waitForDeployment(portal, owner, "beta", b1),
    ]);
    for (const deployment of [first, second, other]) expect(deployment.status, deployment.error ?? "").toBe("succeeded");
    const [firstStart, firstEnd] = span(first);
    const [secondStart] = span(second);
    const [otherStart, otherEnd] = span(other);
    expect(secondStart).toBeGreaterThanOrEqual(firstEnd);
    // The other project's run overlapped the first one's.
    expect(otherStart).toBeLessThan(firstEnd);
    expect(otherEnd).toBeGreaterThan(firstStart);
  });

  it("streams progress as server-sent events while it happens, and ends with the status", async () => {
    const id = await deploy(portal, owner, "alpha");
    const events = await readEvents(`${portal.url}/api/projects/alpha/deployments/${id}/events`, owner);
    const kinds = events.map((event) => event.event);
    expect(kinds).toContain("progress");
    expect(kinds).toContain("output");
    expect(kinds.at(-1)).toBe("end");
    expect(events.at(-1)!.data).toEqual({ status: "succeeded" });
    expect(events.filter((event) => event.event === "status").map((event) => (event.data as { status: string }).status)).toContain("succeeded");
    const sequences = events.filter((event) => event.id).map((event) => Number(event.id));
    expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
    // Resuming after an event id replays only what came after it.
    const resumed = await fetch(`${portal.url}/api/projects/alpha/deployments/${id}/events`, { headers: { cookie: owner, "last-event-id": String(sequences.at(-2)) } });
    const replay = await resumed.text();
    expect(replay.match(/^id: /gm)?.length).toBe(1);
  });

  it("cancels a queued deployment at once, and a running one by stopping its engine", async () => {
    const running = await deploy(portal, owner, "beta");
    const queued = await deploy(portal, owner, "beta");
    const cancelledQueued = await portal.request("POST", `/api/projects/beta/deployments/${queued}/cancel`, { cookie: owner });
    expect(cancelledQueued.status).toBe(202);
    expect(cancelledQueued.json.deployment.status).toBe("cancelled");
    await waitForStatus(portal, owner, "beta", running, "running");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await portal.request("POST", `/api/projects/beta/deployments/${running}/cancel`, { cookie: owner })).status).toBe(202);
    const stopped = await waitForDeployment(portal, owner, "beta", running);
    expect(stopped.status).toBe("cancelled");
    const again = await portal.request("POST", `/api/projects/beta/deployments/${running}/cancel`, { cookie: owner });
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe("not_cancellable");
    // The queue goes on: the next deployment of the project runs.
    const complete = await deploy(portal, owner, "beta");
    expect((await waitForDeployment(portal, owner, "beta", complete)).status).toBe("succeeded");
    // The engine really stopped: the cancelled run created fewer resources than a whole run does.
    const created = async (id: string) =>
      (await portal.portal.database.models.DeploymentEvent.query().where({ deploymentId: id, type: "progress" })).filter((event) => event.data.status === "done").length;
    expect(await created(running)).toBeLessThan(await created(complete));
  });
});

describe("deleting a project", () => {
  it("removes a project that was never deployed at once, without the engine", async () => {
    await createProject(portal, owner, "never-deployed");
    const deleted = await portal.request("DELETE", "/api/projects/never-deployed", { cookie: owner });
    expect(deleted.status).toBe(202);
    expect(deleted.json).toEqual({ deployment: null, deleted: true });
    expect((await portal.request("GET", "/api/projects/never-deployed", { cookie: owner })).status).toBe(404);
  });

  it("destroys a deployed project's stack first, then removes its records", async () => {
    await createProject(portal, owner, "short-lived");
    expect((await waitForDeployment(portal, owner, "short-lived", await deploy(portal, owner, "short-lived"))).status).toBe("succeeded");
    const deleted = await portal.request("DELETE", "/api/projects/short-lived", { cookie: owner });
    expect(deleted.status).toBe(202);
    expect(deleted.json.deployment).toMatchObject({ kind: "destroy", status: "queued" });
    for (let attempt = 0; attempt < 200; attempt++) {
      if ((await portal.request("GET", "/api/projects/short-lived", { cookie: owner })).status === 404) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect((await portal.request("GET", "/api/projects/short-lived", { cookie: owner })).status).toBe(404);
    const rows = await portal.portal.database.knex("projects").where({ name: "short-lived" });
    expect(rows).toEqual([]);
  });
});

describe("deleting a project during its first deployment", () => {
  it("destroys the stack after the run ends instead of dropping the records under it", async () => {
    await createProject(portal, owner, "first-run");
    const first = await deploy(portal, owner, "first-run");
    await waitForStatus(portal, owner, "first-run", first, "running");
    const deleted = await portal.request("DELETE", "/api/projects/first-run", { cookie: owner });
    expect(deleted.status).toBe(202);
    expect(deleted.json.deployment).toMatchObject({ kind: "destroy", status: "queued" });
    expect((await waitForDeployment(portal, owner, "first-run", first)).status).toBe("succeeded");
    for (let attempt = 0; attempt < 200; attempt++) {
      if ((await portal.request("GET", "/api/projects/first-run", { cookie: owner })).status === 404) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect((await portal.request("GET", "/api/projects/first-run", { cookie: owner })).status).toBe(404);
    expect((await portal.request("GET", "/api/health")).status).toBe(200);
  });
});

describe("a deployment that runs too long", () => {
  it("never holds up account e-mail, and is cancelled after DEPLOY_TIMEOUT_MS with a message that says so", async () => {
    // One deployment slot, taken by a run of about ten seconds that times out after five.
    const slow = await startTestPortal({ env: { DEPLOY_ENGINE: "mock", MOCK_ENGINE_STEP_MS: "1000", DEPLOY_TIMEOUT_MS: "5000", WORKER_CONCURRENCY: "1" } });
    try {
      const cookie = await signUp(slow, "slow@example.com");
      await createProject(slow, cookie, "slow");
      const id = await deploy(slow, cookie, "slow");
      await waitForStatus(slow, cookie, "slow", id, "running");
      // Sign-up mail has slots of its own: it arrives while the deployment still runs.
      await signUp(slow, "newcomer@example.com");
      expect((await slow.request("GET", `/api/projects/slow/deployments/${id}`, { cookie })).json.deployment.status).toBe("running");
      const timedOut = await waitForDeployment(slow, cookie, "slow", id);
      expect(timedOut.status).toBe("cancelled");
      expect(timedOut.error).toMatch(/still running after .*DEPLOY_TIMEOUT_MS/);
    } finally {
      await slow.stop();
    }
  });
});

describe("without a Pulumi CLI", () => {
  it("fails a deployment within seconds with a message that names the fix, and loses nothing", async () => {
    // No CLI anywhere: none named, none on PATH, no toolchain built.
    const real = await startTestPortal({ env: { DEPLOY_ENGINE: "pulumi", PULUMI_CLI_PATH: "", BABYHELM_TOOLCHAIN_HOME: tempDir("no-toolchain") } });
    try {
      const cookie = await signUp(real, "real@example.com");
      await createProject(real, cookie, "shop", [{ name: "web", image: "nginx:1.27", port: 80, secretEnv: { KEY: "kept-secret" } }]);
      const started = Date.now();
      const failed = await waitForDeployment(real, cookie, "shop", await deploy(real, cookie, "shop"), 20_000);
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(failed.status).toBe("failed");
      expect(failed.error).toBe(CLI_MISSING);
      const project = await real.request("GET", "/api/projects/shop", { cookie });
      expect(project.json.project.apps).toEqual([expect.objectContaining({ name: "web", secretEnv: { KEY: "********" } })]);
      // The stack never reached the engine: the project can still be deleted without it.
      expect((await real.request("DELETE", "/api/projects/shop", { cookie })).json).toEqual({ deployment: null, deleted: true });
    } finally {
      await real.stop();
    }
  });
});
