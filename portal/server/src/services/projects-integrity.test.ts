/**
 * What must hold however requests interleave and whoever leaves: a stored project always parses as a
 * ProjectSpec, a project always keeps an owner, and limits count the projects a user owns now.
 */
import { parseProjectSpec } from "@babyhelm/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessionCookieFrom, signUp, startTestPortal, type ApiResponse, type TestPortal } from "../test-support/portal.js";
import { createProject, deploy, waitForDeployment } from "../test-support/projects.js";

const PASSWORD = "correct horse battery";
let portal: TestPortal;
let admin: string;
beforeAll(async () => {
  portal = await startTestPortal({ env: { DEPLOY_ENGINE: "mock" } });
  admin = await signUp(portal, "admin@example.com");
});
afterAll(async () => {
  await portal?.stop();
});

const userId = async (cookie: string): Promise<string> => (await portal.request("GET", "/api/me", { cookie })).json.user.id;

/** The stored project as GET .../spec answers it, checked again with the SDK's schema. */
async function expectValidSpec(cookie: string, project: string): Promise<void> {
  const spec = await portal.request("GET", `/api/projects/${project}/spec`, { cookie });
  expect(spec.status, spec.text).toBe(200);
  expect(() => parseProjectSpec(spec.json)).not.toThrow();
}

/** Of two racing writes that cannot both hold, exactly one succeeded and the other was refused at `field`. */
function expectOneRefused(responses: ApiResponse[], field: string): void {
  const refused = responses.filter((response) => response.status >= 400);
  expect(responses.map((response) => response.status).filter((status) => status >= 500)).toEqual([]);
  expect(refused, responses.map((response) => `${response.status} ${response.text}`).join("\n")).toHaveLength(1);
  expect(refused[0]!.status).toBe(400);
  expect(refused[0]!.json.error.details.map((detail: { path: string }) => detail.path)).toContain(field);
}

describe("concurrent changes to one project", () => {
  // One app of 100m needs 200m during a rollout: a quota of 400m fits two apps, 200m only one.
  const ROUNDS = 10;
  let owner: string;
  beforeAll(async () => {
    owner = await signUp(portal, "racer@example.com");
    await createProject(portal, owner, "race", [{ name: "web", image: "nginx:1.27", port: 80 }], { cpu: "400m", memory: "2Gi", pods: 10 });
  });

  it("never stores a quota too small for the apps when a quota change and a new app race", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const responses = await Promise.all([
        portal.request("PATCH", "/api/projects/race", { cookie: owner, body: { quota: { cpu: "200m" } } }),
        portal.request("POST", "/api/projects/race/apps", { cookie: owner, body: { name: "worker", image: "busybox:1.36" } }),
      ]);
      expectOneRefused(responses, "quota.cpu");
      await expectValidSpec(owner, "race");
      // Back to one app at 400m for the next round.
      await portal.request("DELETE", "/api/projects/race/apps/worker", { cookie: owner });
      expect((await portal.request("PATCH", "/api/projects/race", { cookie: owner, body: { quota: { cpu: "400m" } } })).status).toBe(200);
    }
    const deployment = await waitForDeployment(portal, owner, "race", await deploy(portal, owner, "race"));
    expect(deployment.status, deployment.error ?? "").toBe("succeeded");
  });

  it("never stores a quota too small for the apps when a quota change and more replicas race", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const responses = await Promise.all([
        portal.request("PATCH", "/api/projects/race", { cookie: owner, body: { quota: { cpu: "200m" } } }),
        portal.request("PATCH", "/api/projects/race/apps/web", { cookie: owner, body: { replicas: 2 } }),
      ]);
      expectOneRefused(responses, "quota.cpu");
      await expectValidSpec(owner, "race");
      expect((await portal.request("PATCH", "/api/projects/race/apps/web", { cookie: owner, body: { replicas: null } })).status).toBe(200);
      expect((await portal.request("PATCH", "/api/projects/race", { cookie: owner, body: { quota: { cpu: "400m" } } })).status).toBe(200);
    }
  });

  it("answers a change to an app removed at the same moment with 404, never 500", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      expect((await portal.request("POST", "/api/projects/race/apps", { cookie: owner, body: { name: "temp", image: "busybox:1.36" } })).status).toBe(201);
      const [changed, removed] = await Promise.all([
        portal.request("PATCH", "/api/projects/race/apps/temp", { cookie: owner, body: { env: { ROUND: String(round) } } }),
        portal.request("DELETE", "/api/projects/race/apps/temp", { cookie: owner }),
      ]);
      expect(removed.status, removed.text).toBe(204);
      expect([200, 404], changed.text).toContain(changed.status);
      expect((await portal.request("GET", "/api/projects/race/apps/temp", { cookie: owner })).status).toBe(404);
      await expectValidSpec(owner, "race");
    }
  });
});

describe("deleting an account", () => {
  it("works for a project's creator who handed ownership over and left; the project works on for its new owner", async () => {
    const creator = await signUp(portal, "creator@example.com");
    const heir = await signUp(portal, "heir@example.com");
    await createProject(portal, creator, "handed");
    expect((await portal.request("POST", "/api/projects/handed/members", { cookie: creator, body: { email: "heir@example.com", role: "owner" } })).status).toBe(201);
    expect((await portal.request("DELETE", `/api/projects/handed/members/${await userId(creator)}`, { cookie: creator })).status).toBe(204);

    const deleted = await portal.request("DELETE", "/api/me", { cookie: creator, body: { password: PASSWORD } });
    expect(deleted.status, deleted.text).toBe(204);
    expect(await portal.portal.database.knex("users").where({ email: "creator@example.com" }).first()).toBeUndefined();

    expect((await portal.request("GET", "/api/projects/handed", { cookie: heir })).status).toBe(200);
    expect((await portal.request("PATCH", "/api/projects/handed", { cookie: heir, body: { quota: { cpu: "600m" } } })).status).toBe(200);
    expect((await portal.request("POST", "/api/projects/handed/apps", { cookie: heir, body: { name: "api", image: "nginx:1.27", port: 8080 } })).status).toBe(201);
    await expectValidSpec(heir, "handed");
    const deployment = await waitForDeployment(portal, heir, "handed", await deploy(portal, heir, "handed"));
    expect(deployment.status, deployment.error ?? "").toBe("succeeded");
  });

  it("works for one of several owners who is still a member: the membership goes, the project stays", async () => {
    const first = await signUp(portal, "co-owner-1@example.com");
    const second = await signUp(portal, "co-owner-2@example.com");
    await createProject(portal, first, "shared");
    expect((await portal.request("POST", "/api/projects/shared/members", { cookie: first, body: { email: "co-owner-2@example.com", role: "owner" } })).status).toBe(201);
    const deleted = await portal.request("DELETE", "/api/me", { cookie: first, body: { password: PASSWORD } });
    expect(deleted.status, deleted.text).toBe(204);
    const members = (await portal.request("GET", "/api/projects/shared/members", { cookie: second })).json.items;
    expect(members.map((member: { email: string; role: string }) => `${member.email}:${member.role}`)).toEqual(["co-owner-2@example.com:owner"]);
  });

  it("is refused while the user is the only owner of a project, naming the projects and the fix; nothing is deleted", async () => {
    const solo = await signUp(portal, "solo@example.com");
    const friend = await signUp(portal, "friend@example.com");
    await createProject(portal, solo, "solo-one");
    await createProject(portal, solo, "solo-two");
    // A project with another owner does not hold the deletion up, and is not named.
    await createProject(portal, solo, "solo-shared");
    expect((await portal.request("POST", "/api/projects/solo-shared/members", { cookie: solo, body: { email: "friend@example.com", role: "owner" } })).status).toBe(201);
    // Nor does a project where the user is only a developer.
    await createProject(portal, friend, "friends");
    expect((await portal.request("POST", "/api/projects/friends/members", { cookie: friend, body: { email: "solo@example.com", role: "developer" } })).status).toBe(201);

    const refused = await portal.request("DELETE", "/api/me", { cookie: solo, body: { password: PASSWORD } });
    expect(refused.status, refused.text).toBe(409);
    expect(refused.json.error.code).toBe("sole_owner");
    expect(refused.json.error.message).toContain('"solo-one"');
    expect(refused.json.error.message).toContain('"solo-two"');
    expect(refused.json.error.message).not.toContain("solo-shared");
    expect(refused.json.error.message).not.toContain("friends");
    expect(refused.json.error.message).toContain("transfer ownership to another member or delete these projects first");
    expect(refused.json.error.details).toEqual({ projects: ["solo-one", "solo-two"] });

    // Still there: the session, a fresh login, the projects and the memberships.
    expect((await portal.request("GET", "/api/me", { cookie: solo })).status).toBe(200);
    const login = await portal.request("POST", "/api/auth/login", { body: { email: "solo@example.com", password: PASSWORD } });
    expect(login.status).toBe(200);
    expect(sessionCookieFrom(login)).toBeDefined();
    const names = (await portal.request("GET", "/api/projects", { cookie: solo })).json.items.map((item: { name: string; role: string }) => `${item.name}:${item.role}`);
    expect(names).toEqual(["friends:developer", "solo-one:owner", "solo-shared:owner", "solo-two:owner"]);

    // A wrong password is still a wrong password, before anything else is said.
    const wrong = await portal.request("DELETE", "/api/me", { cookie: solo, body: { password: "not the password" } });
    expect(wrong.status).toBe(400);

    // Once the projects have another owner or are gone, the account can go.
    expect((await portal.request("POST", "/api/projects/solo-one/members", { cookie: solo, body: { email: "friend@example.com", role: "owner" } })).status).toBe(201);
    expect((await portal.request("DELETE", "/api/projects/solo-two", { cookie: solo })).status).toBe(202);
    expect((await portal.request("DELETE", "/api/me", { cookie: solo, body: { password: PASSWORD } })).status).toBe(204);
    expect((await portal.request("GET", "/api/projects/solo-one", { cookie: friend })).status).toBe(200);
  });
});

describe("limits", () => {
  it("count the projects a user owns now, not the ones they created", async () => {
    const maker = await signUp(portal, "maker@example.com");
    const taker = await signUp(portal, "taker@example.com");
    const [makerId, takerId] = [await userId(maker), await userId(taker)];
    for (const id of [makerId, takerId]) {
      expect((await portal.request("PATCH", `/api/admin/users/${id}/limits`, { cookie: admin, body: { maxProjects: 1 } })).status).toBe(200);
    }
    await createProject(portal, maker, "made");
    const second = await portal.request("POST", "/api/projects", { cookie: maker, body: { name: "made-two", quota: { cpu: "100m", memory: "128Mi", pods: 2 } } });
    expect(second.status).toBe(403);
    expect(second.json.error.code).toBe("limit_exceeded");

    // The taker owns one project already: making them an owner of another would pass their limit.
    await createProject(portal, taker, "taken", []);
    const overLimit = await portal.request("POST", "/api/projects/made/members", { cookie: maker, body: { email: "taker@example.com", role: "owner" } });
    expect(overLimit.status, overLimit.text).toBe(403);
    expect(overLimit.json.error.code).toBe("limit_exceeded");
    expect(overLimit.json.error.message).toContain("taker@example.com owns 1 project");
    expect((await portal.request("DELETE", "/api/projects/taken", { cookie: taker })).status).toBe(202);

    expect((await portal.request("POST", "/api/projects/made/members", { cookie: maker, body: { email: "taker@example.com", role: "owner" } })).status).toBe(201);
    expect((await portal.request("DELETE", `/api/projects/made/members/${makerId}`, { cookie: maker })).status).toBe(204);
    // The maker owns nothing now; the taker owns "made".
    const again = await portal.request("POST", "/api/projects", { cookie: maker, body: { name: "made-two", quota: { cpu: "100m", memory: "128Mi", pods: 2 } } });
    expect(again.status, again.text).toBe(201);
    const takerSecond = await portal.request("POST", "/api/projects", { cookie: taker, body: { name: "taken-two", quota: { cpu: "100m", memory: "128Mi", pods: 2 } } });
    expect(takerSecond.status).toBe(403);
  });

  it("hold every owner of a project to their limit when its quota grows", async () => {
    const first = await signUp(portal, "big-1@example.com");
    await signUp(portal, "big-2@example.com");
    const secondId = (await portal.portal.database.knex("users").where({ email: "big-2@example.com" }).first()).id;
    await createProject(portal, first, "grows", [], { cpu: "1", memory: "1Gi", pods: 10 });
    expect((await portal.request("POST", "/api/projects/grows/members", { cookie: first, body: { email: "big-2@example.com", role: "owner" } })).status).toBe(201);
    expect((await portal.request("PATCH", `/api/admin/users/${secondId}/limits`, { cookie: admin, body: { maxCpu: "2" } })).status).toBe(200);
    const refused = await portal.request("PATCH", "/api/projects/grows", { cookie: first, body: { quota: { cpu: "3" } } });
    expect(refused.status, refused.text).toBe(403);
    expect(refused.json.error).toMatchObject({ code: "limit_exceeded", details: [{ path: "quota.cpu" }] });
    expect(refused.json.error.message).toContain("big-2@example.com");
    expect((await portal.request("PATCH", "/api/projects/grows", { cookie: first, body: { quota: { cpu: "2" } } })).status).toBe(200);
  });
});

describe("adding a member by e-mail", () => {
  it("answers the same for an address without an account and for one whose account is not confirmed", async () => {
    const owner = await signUp(portal, "inviter@example.com");
    await createProject(portal, owner, "invites", []);
    expect((await portal.request("POST", "/api/auth/register", { body: { email: "pending@example.com", password: PASSWORD, name: "Pending" } })).status).toBe(201);
    await portal.smtp.waitFor((mail) => mail.to.includes("pending@example.com"));
    const add = (email: string) => portal.request("POST", "/api/projects/invites/members", { cookie: owner, body: { email, role: "viewer" } });
    const [unconfirmed, unknown] = await Promise.all([add("pending@example.com"), add("nobody@example.com")]);
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.json).toEqual(unknown.json);
    expect(unconfirmed.json.error.details).toEqual([{ path: "email", message: expect.stringContaining("sign up") }]);
  });
});
