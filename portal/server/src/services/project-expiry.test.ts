/**
 * Expiring projects through the API and the sweep: `expiresAt` checked at the field, who may set it, the
 * warning mail (a real SMTP server) once per owner also with two sweeps racing on two connection pools (two
 * portal processes), a new warning after an extension, removal with the mock engine (never deployed: at once;
 * deployed: a destroy), one destroy at a time, and a failed destroy retried later, not at every sweep.
 * The real engine and cluster: real-expiry.test.ts.
 */
import type { Knex } from "knex";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createServices } from "../app.js";
import { bindModels, createKnex, type Database } from "../db/database.js";
import { signUp, startTestPortal, type TestPortal } from "../test-support/portal.js";
import { createProject, deploy, waitForDeployment } from "../test-support/projects.js";
import { ProjectExpiry } from "./project-expiry.js";

// Several tests deploy and destroy with the test engine, one process per run: slow on a busy CI machine.
vi.setConfig({ testTimeout: 120_000 });

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();

let portal: TestPortal;
const cookies: Record<"owner" | "coowner" | "developer" | "viewer" | "stranger", string> = {} as never;
/** A second connection pool on the same database: a second portal process's sweep. */
let otherKnex: Knex;

function sweeper(database: Database, options: ConstructorParameters<typeof ProjectExpiry>[4] = {}) {
  const logger = pino({ level: "silent" });
  // The services a portal process builds, on this connection pool (nothing of them is started).
  const { deployments, metrics } = createServices({ config: portal.config, logger, database });
  metrics.close();
  return new ProjectExpiry(database, deployments, portal.config, logger, options);
}
const here = () => sweeper(portal.portal.database);
const there = () => sweeper({ knex: otherKnex, models: bindModels(otherKnex) });

async function addMember(project: string, who: "coowner" | "developer" | "viewer", role: string) {
  const added = await portal.request("POST", `/api/projects/${project}/members`, { cookie: cookies.owner, body: { email: `${who}@example.com`, role } });
  if (added.status !== 201 && added.status !== 200) throw new Error(added.text);
}

/** Sets the stored expiry straight in the database: the API refuses the past, a test needs it. */
async function expireNow(project: string) {
  await portal.portal.database
    .knex("projects")
    .where({ name: project })
    .update({ expiresAt: portal.portal.database.knex.raw("now() - interval '1 second'") });
}

const mailsAbout = (project: string) => portal.smtp.mails.filter((mail) => mail.subject.startsWith(`${project} expires`));
const auditOf = (name: string, action: string) => portal.portal.database.knex("audit_log").where({ action }).whereRaw("details->>'name' = ?", [name]).orderBy("id");

beforeAll(async () => {
  // The portal's own sweep is off: the tests sweep when they choose, from one "process" or two.
  portal = await startTestPortal({ env: { DEPLOY_ENGINE: "mock", EXPIRY_CHECK_INTERVAL_MS: "0" } });
  for (const who of ["owner", "coowner", "developer", "viewer", "stranger"] as const) cookies[who] = await signUp(portal, `${who}@example.com`);
  // Room for every project of this file (the default limit is 5).
  const { knex } = portal.portal.database;
  const owner = await knex("users").where({ email: "owner@example.com" }).first();
  await knex("user_limits").insert({ userId: owner.id, maxProjects: 50, maxCpu: "32", maxMemory: "64Gi" });
  otherKnex = createKnex(portal.config.databaseUrl!, 4);
});
afterAll(async () => {
  await otherKnex?.destroy();
  await portal?.stop();
});

describe("expiresAt in the API", () => {
  it("is taken on create and PATCH, shown to every member and in the list, and audited", async () => {
    const at = inMs(3 * DAY);
    const created = await portal.request("POST", "/api/projects", {
      cookie: cookies.owner,
      body: { name: "preview-1", quota: { cpu: "250m", memory: "256Mi", pods: 5 }, expiresAt: at },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.json.project.expiresAt).toBe(at);
    await addMember("preview-1", "viewer", "viewer");
    expect((await portal.request("GET", "/api/projects/preview-1", { cookie: cookies.viewer })).json.project.expiresAt).toBe(at);
    const listed = (await portal.request("GET", "/api/projects", { cookie: cookies.viewer })).json.items.find((item: { name: string }) => item.name === "preview-1");
    expect(listed.expiresAt).toBe(at);

    const later = new Date(Date.now() + 7 * DAY);
    const offset = new Date(later.getTime() + 2 * HOUR).toISOString().replace(/\.\d{3}Z$/, "+02:00");
    const patched = await portal.request("PATCH", "/api/projects/preview-1", { cookie: cookies.owner, body: { expiresAt: offset } });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.json.project.expiresAt).toBe(new Date(Math.floor(later.getTime() / 1000) * 1000).toISOString());
    const removed = await portal.request("PATCH", "/api/projects/preview-1", { cookie: cookies.owner, body: { expiresAt: null } });
    expect(removed.json.project.expiresAt).toBeNull();
    const entries = await portal.portal.database.knex("audit_log").where({ action: "project.update" }).orderBy("id");
    expect(entries.slice(-2).map((entry) => entry.details.changes.expiresAt)).toEqual([patched.json.project.expiresAt, null]);
    expect((await auditOf("preview-1", "project.create"))[0].details.expiresAt).toBe(at);
  });

  const cases: [string, unknown, string][] = [
    ["not a date", "next tuesday", "must be an ISO 8601 time with an offset, such as 2026-12-24T18:00:00Z"],
    ["without an offset", "2030-01-01T12:00:00", "must be an ISO 8601 time with an offset"],
    ["a number", 1_900_000_000, "must be an ISO 8601 time with an offset"],
    ["not on the calendar", `${new Date(Date.now() + 40 * DAY).getUTCFullYear() + 1}-02-30T12:00:00Z`, "is not a time on the calendar"],
    ["in the past", inMs(-HOUR), "is in the past; choose a time at least 5 minutes ahead"],
    ["a minute ahead", inMs(60_000), "is less than 5 minutes ahead; choose a later time"],
    ["more than 90 days ahead", inMs(91 * DAY), "is more than 90 days ahead; choose a time until"],
  ];
  for (const [what, value, message] of cases) {
    it(`refuses ${what} at expiresAt, on create and on PATCH`, async () => {
      const created = await portal.request("POST", "/api/projects", { cookie: cookies.owner, body: { name: "refused", expiresAt: value } });
      expect(created.status).toBe(400);
      expect(created.json.error.code).toBe("invalid_request");
      expect(created.json.error.details).toEqual([{ path: "expiresAt", message: expect.stringContaining(message) }]);
      expect(created.json.error.message).toContain(`expiresAt: `);
      expect((await portal.request("GET", "/api/projects/refused", { cookie: cookies.owner })).status).toBe(404);
      const patched = await portal.request("PATCH", "/api/projects/preview-1", { cookie: cookies.owner, body: { expiresAt: value } });
      expect(patched.status).toBe(400);
      expect(patched.json.error.details).toEqual([{ path: "expiresAt", message: expect.stringContaining(message) }]);
    });
  }

  it("may be set by owners only: developer and viewer 403, a non-member 404, nobody 401", async () => {
    await createProject(portal, cookies.owner, "matrix-x", []);
    await addMember("matrix-x", "developer", "developer");
    await addMember("matrix-x", "viewer", "viewer");
    const at = inMs(2 * DAY);
    const answers: Record<string, number> = {};
    for (const who of ["anonymous", "stranger", "viewer", "developer", "owner"] as const) {
      const response = await portal.request("PATCH", "/api/projects/matrix-x", { cookie: who === "anonymous" ? undefined : cookies[who], body: { expiresAt: at } });
      answers[who] = response.status;
    }
    expect(answers).toEqual({ anonymous: 401, stranger: 404, viewer: 403, developer: 403, owner: 200 });
    // Reading it: every member, nobody else.
    const reads: Record<string, unknown> = {};
    for (const who of ["anonymous", "stranger", "viewer", "developer", "owner"] as const) {
      const response = await portal.request("GET", "/api/projects/matrix-x", { cookie: who === "anonymous" ? undefined : cookies[who] });
      reads[who] = response.status === 200 ? response.json.project.expiresAt : response.status;
    }
    expect(reads).toEqual({ anonymous: 401, stranger: 404, viewer: at, developer: at, owner: at });
    // Only the owner's change was made and recorded.
    expect((await portal.portal.database.knex("audit_log").where({ action: "project.update" }).whereRaw("details->'changes'->>'expiresAt' = ?", [at])).length).toBe(1);
  });
});

describe("the warning a day before", () => {
  it("mails each owner exactly once, also when two processes sweep at the same moment; developers and viewers get none", async () => {
    await createProject(portal, cookies.owner, "racing", []);
    await addMember("racing", "coowner", "owner");
    await addMember("racing", "developer", "developer");
    await addMember("racing", "viewer", "viewer");
    const at = inMs(20 * HOUR);
    expect((await portal.request("PATCH", "/api/projects/racing", { cookie: cookies.owner, body: { expiresAt: at } })).status).toBe(200);

    const results = await Promise.all([here().sweep(), there().sweep(), here().sweep(), there().sweep()]);
    expect(results.flatMap((result) => result.warned.filter((warned) => warned.name === "racing"))).toEqual([{ name: "racing", owners: 2 }]);
    await portal.smtp.waitFor((mail) => mail.subject.startsWith("racing expires") && mail.to.includes("coowner@example.com"));
    await portal.smtp.waitFor((mail) => mail.subject.startsWith("racing expires") && mail.to.includes("owner@example.com") && !mail.to.includes("coowner"));
    // Later sweeps say nothing more.
    await Promise.all([here().sweep(), there().sweep()]);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const mails = mailsAbout("racing");
    expect(mails.map((mail) => mail.to).sort()).toEqual(["coowner@example.com", "owner@example.com"]);
    const mail = mails[0]!;
    expect(mail.subject).toMatch(/^racing expires in about (19|20) hours$/);
    expect(mail.text).toContain(`Your project racing is set to expire on ${at.slice(0, 16).replace("T", " ")} UTC`);
    expect(mail.text).toContain("http://portal.test/projects/racing");
    expect(mail.html).toContain('href="http://portal.test/projects/racing"');
    expect((await auditOf("racing", "project.expiry_warning")).map((entry) => [entry.actorId, entry.details.mailedTo])).toEqual([[null, 2]]);
  });

  it("is not sent for an expiry more than a day ahead, and comes again before the new time after an extension", async () => {
    await createProject(portal, cookies.owner, "extended", []);
    expect((await portal.request("PATCH", "/api/projects/extended", { cookie: cookies.owner, body: { expiresAt: inMs(3 * DAY) } })).status).toBe(200);
    expect((await here().sweep()).warned.map((warned) => warned.name)).not.toContain("extended");

    const soon = inMs(6 * HOUR);
    expect((await portal.request("PATCH", "/api/projects/extended", { cookie: cookies.owner, body: { expiresAt: soon } })).status).toBe(200);
    expect((await here().sweep()).warned).toContainEqual({ name: "extended", owners: 1 });
    await portal.smtp.waitFor((mail) => mail.subject.startsWith("extended expires") && mail.text.includes(soon.slice(0, 16).replace("T", " ")));
    // The same time again is no new time: no second mail.
    expect((await portal.request("PATCH", "/api/projects/extended", { cookie: cookies.owner, body: { expiresAt: soon } })).status).toBe(200);
    expect((await here().sweep()).warned.map((warned) => warned.name)).not.toContain("extended");

    // Extended by a day: a new warning comes a day before the new time, not now.
    const later = inMs(30 * HOUR);
    expect((await portal.request("PATCH", "/api/projects/extended", { cookie: cookies.owner, body: { expiresAt: later } })).status).toBe(200);
    expect((await portal.portal.database.knex("projects").where({ name: "extended" }).first()).expiryWarnedAt).toBeNull();
    expect((await here().sweep()).warned.map((warned) => warned.name)).not.toContain("extended");
    // ... and when that day has come (the clock moved on: here the expiry is moved into the last day).
    await portal.portal.database
      .knex("projects")
      .where({ name: "extended" })
      .update({ expiresAt: new Date(Date.now() + 23 * HOUR) });
    expect((await here().sweep()).warned).toContainEqual({ name: "extended", owners: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(mailsAbout("extended")).toHaveLength(2);
  });
});

describe("at expiry", () => {
  it("removes a never-deployed project at once, audited with no actor", async () => {
    await createProject(portal, cookies.owner, "never-deployed", []);
    expect((await portal.request("PATCH", "/api/projects/never-deployed", { cookie: cookies.owner, body: { expiresAt: inMs(HOUR) } })).status).toBe(200);
    await expireNow("never-deployed");
    const results = await Promise.all([here().sweep(), there().sweep()]);
    expect(results.flatMap((result) => result.expired)).toEqual([{ name: "never-deployed", deploymentId: null }]);
    expect((await portal.request("GET", "/api/projects/never-deployed", { cookie: cookies.owner })).status).toBe(404);
    const [entry, ...more] = await auditOf("never-deployed", "project.expire");
    expect(more).toEqual([]);
    expect(entry).toMatchObject({ actorId: null, projectId: null, details: { name: "never-deployed", deploymentId: null, attempt: 1 } });
  });

  it("destroys a deployed project's stack (mock engine) with one destroy, however many sweeps, and then removes it", async () => {
    await createProject(portal, cookies.owner, "deployed-preview");
    await waitForDeployment(portal, cookies.owner, "deployed-preview", await deploy(portal, cookies.owner, "deployed-preview"));
    expect((await portal.request("PATCH", "/api/projects/deployed-preview", { cookie: cookies.owner, body: { expiresAt: inMs(HOUR) } })).status).toBe(200);
    await expireNow("deployed-preview");
    const results = await Promise.all([here().sweep(), there().sweep(), here().sweep(), there().sweep()]);
    const expired = results.flatMap((result) => result.expired);
    expect(expired).toEqual([{ name: "deployed-preview", deploymentId: expect.any(String) }]);
    // While the destroy is queued or running, more sweeps start nothing, and the expiry cannot change.
    const destroy = await portal.portal.database.knex("deployments").where({ id: expired[0]!.deploymentId }).first();
    if (destroy && (destroy.status === "queued" || destroy.status === "running")) {
      expect((await here().sweep()).expired).toEqual([]);
    }
    for (const deadline = Date.now() + 90_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 100))) {
      if ((await portal.request("GET", "/api/projects/deployed-preview", { cookie: cookies.owner })).status === 404) break;
    }
    expect((await portal.request("GET", "/api/projects/deployed-preview", { cookie: cookies.owner })).status).toBe(404);
    const entries = await auditOf("deployed-preview", "project.expire");
    expect(entries.map((entry) => [entry.actorId, entry.details.deploymentId, entry.details.attempt])).toEqual([[null, expired[0]!.deploymentId, 1]]);
    const destroys = await portal.portal.database.knex("audit_log").where({ action: "deployment.destroy" }).whereRaw("details->>'deploymentId' = ?", [expired[0]!.deploymentId]);
    expect(destroys.map((entry) => entry.actorId)).toEqual([null]);
  });

  it("keeps a project whose destroy failed, lets an owner extend it, and retries it after 15 minutes (not at every sweep)", async () => {
    await createProject(portal, cookies.owner, "stubborn");
    await waitForDeployment(portal, cookies.owner, "stubborn", await deploy(portal, cookies.owner, "stubborn"));
    expect((await portal.request("PATCH", "/api/projects/stubborn", { cookie: cookies.owner, body: { expiresAt: inMs(HOUR) } })).status).toBe(200);
    await expireNow("stubborn");
    const { knex } = portal.portal.database;
    const project = await knex("projects").where({ name: "stubborn" }).first();
    // A destroy of this expiry that failed a moment ago (what the engine records when the cluster refuses).
    const [failed] = await knex("deployments")
      .insert({
        projectId: project.id,
        kind: "destroy",
        status: "failed",
        error: "the cluster could not be reached",
        createdAt: knex.raw("now()"),
        startedAt: knex.raw("now()"),
        finishedAt: knex.raw("now()"),
      })
      .returning("id");
    const shown = await portal.request("GET", "/api/projects/stubborn", { cookie: cookies.owner });
    expect(shown.json.project.lastDeployment).toMatchObject({ kind: "destroy", status: "failed", error: "the cluster could not be reached" });
    expect(new Date(shown.json.project.expiresAt).getTime()).toBeLessThan(Date.now());
    for (let sweep = 0; sweep < 3; sweep++) expect((await here().sweep()).expired).toEqual([]);

    // An owner may still keep it: a new expiry, and nothing is destroyed.
    const kept = await portal.request("PATCH", "/api/projects/stubborn", { cookie: cookies.owner, body: { expiresAt: inMs(2 * DAY) } });
    expect(kept.status, kept.text).toBe(200);
    expect((await here().sweep()).expired).toEqual([]);
    // Back to the expiry that failed, and 16 minutes later: tried again, once.
    await knex("projects").where({ id: project.id }).update({ expiresAt: project.expiresAt });
    expect((await here().sweep()).expired).toEqual([]);
    await knex("deployments")
      .where({ id: failed.id })
      .update({ finishedAt: knex.raw("now() - interval '16 minutes'") });
    const retried = await Promise.all([here().sweep(), there().sweep()]);
    expect(retried.flatMap((result) => result.expired)).toEqual([{ name: "stubborn", deploymentId: expect.any(String) }]);
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 100))) {
      if ((await portal.request("GET", "/api/projects/stubborn", { cookie: cookies.owner })).status === 404) break;
    }
    expect((await portal.request("GET", "/api/projects/stubborn", { cookie: cookies.owner })).status).toBe(404);
    expect((await auditOf("stubborn", "project.expire")).map((entry) => entry.details.attempt)).toEqual([2]);
  });

  it("refuses a change of the expiry while a destroy is queued", async () => {
    await createProject(portal, cookies.owner, "going", []);
    const { knex } = portal.portal.database;
    const project = await knex("projects").where({ name: "going" }).first();
    // A queued destroy nobody runs (no queue job): what the API sees between queueing and running.
    const [queued] = await knex("deployments").insert({ projectId: project.id, kind: "destroy", status: "queued" }).returning("id");
    const refused = await portal.request("PATCH", "/api/projects/going", { cookie: cookies.owner, body: { expiresAt: inMs(DAY) } });
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe("being_deleted");
    expect(refused.json.error.message).toContain(`expiresAt: "going" is being deleted (deployment ${queued.id} is queued)`);
    // Other changes are not held up.
    expect((await portal.request("PATCH", "/api/projects/going", { cookie: cookies.owner, body: { displayName: "Going" } })).status).toBe(200);
  });
});

describe("the sweep in a running portal", () => {
  it("runs every EXPIRY_CHECK_INTERVAL_MS: an expired project goes without anyone asking", async () => {
    const second = await startTestPortal({ env: { DEPLOY_ENGINE: "mock", EXPIRY_CHECK_INTERVAL_MS: "200" } });
    try {
      const owner = await signUp(second, "owner@example.com");
      await createProject(second, owner, "by-itself");
      await waitForDeployment(second, owner, "by-itself", await deploy(second, owner, "by-itself"));
      expect((await second.request("PATCH", "/api/projects/by-itself", { cookie: owner, body: { expiresAt: inMs(2 * HOUR) } })).status).toBe(200);
      await second.smtp.waitFor((mail) => mail.subject.startsWith("by-itself expires"));
      await second.portal.database
        .knex("projects")
        .where({ name: "by-itself" })
        .update({ expiresAt: second.portal.database.knex.raw("now()") });
      for (const deadline = Date.now() + 30_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 100))) {
        if ((await second.request("GET", "/api/projects/by-itself", { cookie: owner })).status === 404) break;
      }
      expect((await second.request("GET", "/api/projects/by-itself", { cookie: owner })).status).toBe(404);
      expect(await second.portal.database.knex("audit_log").where({ action: "project.expire" }).count<{ count: string }[]>("id as count")).toEqual([{ count: "1" }]);
    } finally {
      await second.stop();
    }
  });
});
