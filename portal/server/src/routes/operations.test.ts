/**
 * Previews, drift checks and rollbacks through the API with the test engine: the answers' shapes, what is
 * refused and how, and the drift schedule's platform-wide bound. What the real engine plans and finds is
 * tested against the local cluster (deployments/real-operations.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUp, startTestPortal, type TestPortal } from "../test-support/portal.js";
import { createProject, deploy, waitForDeployment } from "../test-support/projects.js";

let portal: TestPortal;
let owner: string;

beforeAll(async () => {
  // Each test-engine step takes 10 ms, so a drift check lasts long enough for overlaps to show; projects
  // are due for a check 15 s after their first deployment.
  portal = await startTestPortal({ env: { DEPLOY_ENGINE: "mock", MOCK_ENGINE_STEP_MS: "10", DRIFT_CHECK_INTERVAL_MS: "15000", DRIFT_CONCURRENCY: "1" } });
  owner = await signUp(portal, "ops@example.com");
  await createProject(portal, owner, "shop");
});
afterAll(async () => {
  await portal?.stop();
});

describe("previews", () => {
  it("answer the plan, stay out of the deployment history, and leave a new project undeployed", async () => {
    const answer = await portal.request("POST", "/api/projects/shop/previews", { cookie: owner, body: {} });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json.preview).toMatchObject({ kind: "preview", status: "succeeded" });
    expect(answer.json.preview.plan).toEqual(expect.arrayContaining([{ op: "create", kind: "Deployment", name: "web", changes: [] }]));
    expect((await portal.request("GET", "/api/projects/shop/deployments", { cookie: owner })).json.items).toEqual([]);
    const previews = await portal.request("GET", "/api/projects/shop/deployments?kind=preview", { cookie: owner });
    expect(previews.json.items.map((item: { id: string }) => item.id)).toEqual([answer.json.preview.id]);
    const project = (await portal.request("GET", "/api/projects/shop", { cookie: owner })).json.project;
    expect(project).toMatchObject({ deployed: false, lastDeployment: null });
  });

  it("answer 202 with where to look when asked not to wait", async () => {
    const answer = await portal.request("POST", "/api/projects/shop/previews?wait=0", { cookie: owner, body: {} });
    expect(answer.status).toBe(202);
    expect(answer.headers.get("location")).toBe(`/api/projects/shop/deployments/${answer.json.preview.id}`);
    expect((await waitForDeployment(portal, owner, "shop", answer.json.preview.id)).status).toBe("succeeded");
  });

  it("wait for the project's deploy to end: one queue, never at the same time", async () => {
    await createProject(portal, owner, "lane");
    const deploying = await deploy(portal, owner, "lane");
    const preview = (await portal.request("POST", "/api/projects/lane/previews", { cookie: owner, body: {} })).json.preview;
    const deployed = await waitForDeployment(portal, owner, "lane", deploying);
    expect(preview.status).toBe("succeeded");
    expect(new Date(preview.startedAt).getTime()).toBeGreaterThanOrEqual(new Date(deployed.finishedAt!).getTime());
  }, 120_000);

  it("refuse bad input by field", async () => {
    const tooLong = await portal.request("POST", "/api/projects/shop/previews?wait=61", { cookie: owner, body: {} });
    expect(tooLong.status).toBe(400);
    expect(tooLong.json.error.details).toEqual([{ path: "wait", message: "must be the number of seconds to wait for the result, 0 to 60" }]);
    const body = await portal.request("POST", "/api/projects/shop/previews", { cookie: owner, body: { spec: {} } });
    expect(body.json.error.details).toEqual([{ path: "spec", message: "unknown field" }]);
    const refresh = await portal.request("POST", "/api/projects/shop/deployments", { cookie: owner, body: { refresh: "yes" } });
    expect(refresh.json.error.details).toEqual([{ path: "refresh", message: "must be true or false, not text" }]);
    const kind = await portal.request("GET", "/api/projects/shop/deployments?kind=everything", { cookie: owner });
    expect(kind.json.error.details[0]).toMatchObject({ path: "kind" });
  });
});

describe("drift and rollback", () => {
  it("refuse what cannot be done, with a code and a sentence", async () => {
    expect((await portal.request("GET", "/api/projects/shop/drift", { cookie: owner })).json.drift.state).toBe("not_deployed");
    const check = await portal.request("POST", "/api/projects/shop/drift", { cookie: owner, body: {} });
    expect(check.status).toBe(409);
    expect(check.json.error).toMatchObject({ code: "not_deployed", message: expect.stringMatching(/deploy it first/) });
    const preview = (await portal.request("GET", "/api/projects/shop/deployments?kind=preview", { cookie: owner })).json.items[0];
    const rollback = await portal.request("POST", `/api/projects/shop/deployments/${preview.id}/rollback`, { cookie: owner, body: {} });
    expect(rollback.status).toBe(409);
    expect(rollback.json.error.code).toBe("not_a_deployment");
    expect((await portal.request("POST", "/api/projects/shop/deployments/999999/rollback", { cookie: owner, body: {} })).status).toBe(404);
    expect((await portal.request("GET", `/api/projects/shop/deployments/${preview.id}/diff?from=abc`, { cookie: owner })).json.error.details).toEqual([
      { path: "from", message: "must be a deployment id" },
    ]);
  });

  it("restores the apps of a deployment and deploys them, as one audited action", async () => {
    const first = await waitForDeployment(portal, owner, "shop", await deploy(portal, owner, "shop"));
    expect((await portal.request("PATCH", "/api/projects/shop/apps/web", { cookie: owner, body: { image: "nginx:1.28", env: { MODE: "new" } } })).status).toBe(200);
    await waitForDeployment(portal, owner, "shop", await deploy(portal, owner, "shop"));
    const rollback = await portal.request("POST", `/api/projects/shop/deployments/${first.id}/rollback`, { cookie: owner, body: {} });
    expect(rollback.status, rollback.text).toBe(202);
    expect((await waitForDeployment(portal, owner, "shop", rollback.json.deployment.id)).status).toBe("succeeded");
    const app = (await portal.request("GET", "/api/projects/shop/apps/web", { cookie: owner })).json.app;
    expect(app).toMatchObject({ image: "nginx:1.27", env: {} });
    const kept = await portal.request("GET", `/api/projects/shop/deployments/${rollback.json.deployment.id}/spec`, { cookie: owner });
    expect(kept.json.spec.apps[0].image).toBe("nginx:1.27");
    const actions = (
      await portal.portal.database
        .knex("audit_log")
        .where({ projectId: (await portal.portal.database.knex("projects").where({ name: "shop" }).first()).id })
        .orderBy("id")
    ).map((entry: { action: string }) => entry.action);
    expect(actions.filter((action: string) => action.startsWith("deployment."))).toEqual([
      "deployment.preview",
      "deployment.preview",
      "deployment.up",
      "deployment.up",
      "deployment.rollback",
    ]);
  }, 120_000);

  it("checks every deployed project on schedule, never more at once platform-wide than DRIFT_CONCURRENCY", async () => {
    for (const name of ["alpha", "beta"]) {
      await createProject(portal, owner, name);
      await waitForDeployment(portal, owner, name, await deploy(portal, owner, name));
    }
    const checked = async () => (await portal.portal.database.knex("deployments").where({ kind: "drift", status: "succeeded" }).distinct("projectId")).length;
    for (const deadline = Date.now() + 100_000; (await checked()) < 4 && Date.now() < deadline;) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await checked()).toBe(4);
    const runs: { startedAt: Date; finishedAt: Date }[] = await portal.portal.database
      .knex("deployments")
      .where({ kind: "drift" })
      .whereNotNull("finishedAt")
      .select("startedAt", "finishedAt");
    const overlapping = runs.map((run) => runs.filter((other) => other.startedAt < run.finishedAt && other.finishedAt > run.startedAt).length);
    expect(Math.max(...overlapping)).toBe(1);
    const state = (await portal.request("GET", "/api/projects/alpha/drift", { cookie: owner })).json.drift;
    expect(state).toMatchObject({ state: "in_sync", intervalMs: 15_000, resources: [] });
    // The schedule's checks are the platform's routine: not in the audit log.
    expect(await portal.portal.database.knex("audit_log").where({ action: "deployment.drift" })).toEqual([]);
  }, 150_000);

  it("lists a project this portal cannot render any more as not upgradable, instead of failing the list", async () => {
    const { knex } = portal.portal.database;
    const project = await knex("projects").where({ name: "alpha" }).first();
    const last = await knex("deployments").where({ projectId: project.id, kind: "up", status: "succeeded" }).orderBy("id", "desc").first();
    // As if a newer SDK refused what alpha last deployed.
    await knex("deployments")
      .where({ id: last.id })
      .update({ spec: JSON.stringify({ name: "alpha", apps: [{ name: "web", image: "nginx:::" }] }) });
    const plan = await portal.request("GET", "/api/admin/upgrades", { cookie: owner });
    expect(plan.status, plan.text).toBe(200);
    expect(plan.json.projects.find((candidate: { project: string }) => candidate.project === "alpha")).toMatchObject({
      changed: false,
      problem: expect.stringMatching(/apps\[0\]\.image/),
    });
    const refused = await portal.request("POST", "/api/admin/upgrades", { cookie: owner, body: { projects: ["alpha"] } });
    expect(refused.json.error.details).toEqual([{ path: "projects[0]", message: `"alpha" cannot be rendered by this portal's SDK; fix its spec first` }]);
  });
});
