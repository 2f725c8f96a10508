/**
 * A name or domain another record holds is reported at the request's own field with a stable code, whether
 * it was found before the write or lost to a concurrent request in between. The race is made certain: a
 * transaction of ours writes the conflicting row and holds it uncommitted until the portal's write waits
 * on the unique index, then commits.
 */
import type { Knex } from "knex";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUp, startTestPortal, type ApiResponse, type TestPortal } from "../../test-support/portal.js";
import { createProject } from "../../test-support/projects.js";

let portal: TestPortal;
let owner: string;
let rivalId: string;

beforeAll(async () => {
  portal = await startTestPortal();
  owner = await signUp(portal, "conflicts-owner@example.com");
  // The held rows belong to someone else: the owner's own limit lock must not be what the request waits on.
  await signUp(portal, "conflicts-rival@example.com");
  rivalId = (await portal.portal.database.knex("users").where({ email: "conflicts-rival@example.com" }).first()).id;
  await createProject(portal, owner, "held", []);
  await createProject(
    portal,
    owner,
    "mine",
    [
      { name: "web", image: "nginx:1.27", port: 80 },
      { name: "api", image: "nginx:1.27", port: 80, domain: "api.mine.example.com" },
      { name: "worker", image: "nginx:1.27" },
    ],
    { cpu: "1", memory: "2Gi", pods: 20 },
  );
});

afterAll(async () => {
  await portal?.stop();
});

const conflictOf = (answer: ApiResponse) => ({ status: answer.status, code: answer.json?.error?.code, message: answer.json?.error?.message, details: answer.json?.error?.details });

/**
 * Runs `write` (ours, in a transaction) and, while it is uncommitted, `request`; commits once the request's
 * `statement` waits for a lock, and answers the request's answer.
 */
async function race(write: (trx: Knex.Transaction) => Promise<unknown>, statement: string, request: () => Promise<ApiResponse>): Promise<ApiResponse> {
  const knex = portal.portal.database.knex;
  const trx = await knex.transaction();
  try {
    await write(trx);
    const answer = request();
    const deadline = Date.now() + 20_000;
    for (;;) {
      const waiting = await knex.raw("select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and query ilike ?", [`${statement}%`]);
      if (waiting.rows[0].n > 0) break;
      if (Date.now() > deadline) {
        const settled = await Promise.race([answer.then((response) => response.text), new Promise((resolve) => setTimeout(() => resolve("no answer yet"), 100))]);
        throw new Error(`no "${statement}" waited for our row; the request: ${String(settled)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await trx.commit();
    return await answer;
  } finally {
    if (!trx.isCompleted()) await trx.rollback();
  }
}

describe("a project name", () => {
  it("lost in a race answers 409 name_taken at name, as it does when it was taken before", async () => {
    const raced = await race(
      (trx) => trx("projects").insert({ name: "raced", owner_id: rivalId, quota_cpu: "500m", quota_memory: "1Gi", quota_pods: 10 }),
      'insert into "projects"',
      () => portal.request("POST", "/api/projects", { cookie: owner, body: { name: "raced" } }),
    );
    const later = await portal.request("POST", "/api/projects", { cookie: owner, body: { name: "raced" } });
    expect(conflictOf(raced)).toEqual({ status: 409, code: "name_taken", message: expect.stringContaining('"raced" is taken'), details: [{ path: "name", message: "is taken" }] });
    expect(conflictOf(raced)).toEqual(conflictOf(later));
  });
});

describe("a domain", () => {
  const heldApp = (projectId: string, domain: string) => ({
    project_id: projectId,
    name: `holder-${domain.split(".")[0]}`,
    position: 0,
    image: "nginx:1.27",
    port: 80,
    resources_cpu: "100m",
    resources_memory: "128Mi",
    domain,
  });
  const heldProjectId = async () => (await portal.portal.database.knex("projects").where({ name: "held" }).first()).id;

  it("lost in a race while changing an app answers 409 domain_taken at domain, as it does when it was taken before", async () => {
    const projectId = await heldProjectId();
    const raced = await race(
      (trx) => trx("apps").insert(heldApp(projectId, "raced.example.com")),
      'update "apps"',
      () => portal.request("PATCH", "/api/projects/mine/apps/web", { cookie: owner, body: { domain: "raced.example.com" } }),
    );
    const later = await portal.request("PATCH", "/api/projects/mine/apps/web", { cookie: owner, body: { domain: "raced.example.com" } });
    expect(conflictOf(raced)).toEqual({
      status: 409,
      code: "domain_taken",
      message: 'domain: "raced.example.com" is used by another project; choose another domain.',
      details: [{ path: "domain", message: "is used by another project" }],
    });
    expect(conflictOf(raced)).toEqual(conflictOf(later));
  });

  it("lost in a race while adding an app answers the same", async () => {
    const projectId = await heldProjectId();
    const raced = await race(
      (trx) => trx("apps").insert(heldApp(projectId, "added.example.com")),
      'insert into "apps"',
      () => portal.request("POST", "/api/projects/mine/apps", { cookie: owner, body: { name: "shop", image: "nginx:1.27", port: 80, domain: "added.example.com" } }),
    );
    const later = await portal.request("POST", "/api/projects/mine/apps", { cookie: owner, body: { name: "shop", image: "nginx:1.27", port: 80, domain: "added.example.com" } });
    expect(conflictOf(raced)).toMatchObject({ status: 409, code: "domain_taken", details: [{ path: "domain", message: "is used by another project" }] });
    expect(conflictOf(raced)).toEqual(conflictOf(later));
    expect((await portal.request("GET", "/api/projects/mine/apps/shop", { cookie: owner })).status).toBe(404);
  });

  it("held by another app of the same project is reported at the changed app's domain, naming that app", async () => {
    const clash = await portal.request("PATCH", "/api/projects/mine/apps/web", { cookie: owner, body: { domain: "api.mine.example.com" } });
    expect(conflictOf(clash)).toEqual({
      status: 409,
      code: "domain_taken",
      message: 'domain: "api.mine.example.com" is used by app "api" of this project; choose another domain.',
      details: [{ path: "domain", message: 'is used by app "api" of this project' }],
    });
  });
});

describe("an app name", () => {
  it("taken by another app of the project is reported at name, on a rename and on an add", async () => {
    const expected = {
      status: 409,
      code: "name_taken",
      message: 'name: "worker" is already an app of "mine"; app names are unique within a project.',
      details: [{ path: "name", message: "is taken by another app of this project" }],
    };
    // web comes before worker in the spec: the clash is still reported at the app that was renamed.
    expect(conflictOf(await portal.request("PATCH", "/api/projects/mine/apps/web", { cookie: owner, body: { name: "worker" } }))).toEqual(expected);
    expect(conflictOf(await portal.request("POST", "/api/projects/mine/apps", { cookie: owner, body: { name: "worker", image: "nginx:1.27" } }))).toEqual(expected);
  });

  it("renamed to itself is no conflict", async () => {
    const same = await portal.request("PATCH", "/api/projects/mine/apps/worker", { cookie: owner, body: { name: "worker" } });
    expect(same.status, same.text).toBe(200);
  });
});

describe("a change of secretEnv that is not a mapping", () => {
  it.each([
    ["a number", 5, "must be a mapping of names to values, not a whole number"],
    ["text", "abc", "must be a mapping of names to values, not text"],
    ["a list", ["A", "B"], "must be a mapping of names to values, not a list"],
  ])("(%s) is refused at secretEnv, and the app is unchanged", async (_, secretEnv, message) => {
    const before = await portal.request("GET", "/api/projects/mine/apps/web", { cookie: owner });
    const answer = await portal.request("PATCH", "/api/projects/mine/apps/web", { cookie: owner, body: { secretEnv } });
    expect(answer.status, answer.text).toBe(400);
    expect(answer.json.error.details).toEqual([{ path: "secretEnv", message }]);
    expect((await portal.request("GET", "/api/projects/mine/apps/web", { cookie: owner })).json).toEqual(before.json);
  });
});
