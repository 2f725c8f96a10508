import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUp, startTestPortal, type TestPortal } from "../test-support/portal.js";
import { createProject, waitForDeployment } from "../test-support/projects.js";

let portal: TestPortal;
let alice: string;
let bob: string;
beforeAll(async () => {
  portal = await startTestPortal({ env: { DEPLOY_ENGINE: "mock" } });
  alice = await signUp(portal, "alice@example.com");
  bob = await signUp(portal, "bob@example.com");
});
afterAll(async () => {
  await portal?.stop();
});

describe("the credential cache", () => {
  it("serves a session without the database, and forgets it the moment another process announces a change", async () => {
    const cookie = await signUp(portal, "erin@example.com");
    expect((await portal.request("GET", "/api/me", { cookie })).status).toBe(200);
    const [session] = await portal.portal.database.knex("sessions").orderBy("id", "desc").limit(1);
    // Another portal process ends the session: it deletes the row and announces it.
    await portal.portal.database.knex("sessions").where({ id: session.id }).delete();
    await announce(session.userId);
    expect((await portal.request("GET", "/api/me", { cookie })).status).toBe(401);
  });

  it("reflects a profile change at once", async () => {
    const cookie = await signUp(portal, "frank@example.com");
    await portal.request("GET", "/api/me", { cookie });
    await portal.request("PATCH", "/api/me", { cookie, body: { name: "Franklin" } });
    expect((await portal.request("GET", "/api/me", { cookie })).json.user.name).toBe("Franklin");
  });
});

describe("personal access tokens", () => {
  it("are shown once, stored only as a keyed hash, and work as Authorization: Bearer", async () => {
    const created = await portal.request("POST", "/api/me/tokens", { cookie: alice, body: { name: "deploy from CI" } });
    const { token, ...shown } = created.json.token;
    expect(shown).toEqual({
      id: expect.any(String),
      name: "deploy from CI",
      prefix: token.slice(0, 9),
      project: null,
      role: null,
      expiresAt: null,
      createdAt: expect.any(String),
      lastUsedAt: null,
    });
    const rows = await portal.portal.database.knex("api_tokens").select("*");
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(JSON.stringify(rows)).not.toContain(token.slice(9));
    expect((await portal.request("GET", "/api/me", { token })).json.user.email).toBe("alice@example.com");
    expect((await portal.request("GET", "/api/me", { token: `${token}x` })).status).toBe(401);
  });

  it("belong to their user: another user's token is not found, and cannot be deleted", async () => {
    const created = await portal.request("POST", "/api/me/tokens", { cookie: alice, body: { name: "mine" } });
    const id = created.json.token.id;
    expect((await portal.request("GET", "/api/me/tokens", { cookie: bob })).json.items).toEqual([]);
    expect((await portal.request("DELETE", `/api/me/tokens/${id}`, { cookie: bob })).status).toBe(404);
    expect((await portal.request("GET", "/api/me", { token: created.json.token.token })).status).toBe(200);
    expect((await portal.request("DELETE", `/api/me/tokens/${id}`, { cookie: alice })).status).toBe(204);
    expect((await portal.request("GET", "/api/me", { token: created.json.token.token })).status).toBe(401);
  });

  it("cannot mint more tokens: creating one needs a password login", async () => {
    const { token } = (await portal.request("POST", "/api/me/tokens", { cookie: alice, body: { name: "ci" } })).json.token;
    const minted = await portal.request("POST", "/api/me/tokens", { token, body: { name: "more" } });
    expect(minted.status).toBe(403);
    expect(minted.json.error.code).toBe("session_required");
  });
});

describe("limited tokens for CI", () => {
  let owner: string;
  beforeAll(async () => {
    // Gina owns shop and other, and is a viewer of viewed; Hal owns viewed and hals.
    owner = await signUp(portal, "gina@example.com");
    await createProject(portal, owner, "shop");
    await createProject(portal, owner, "other");
    const hal = await signUp(portal, "hal@example.com");
    await createProject(portal, hal, "viewed");
    await createProject(portal, hal, "hals");
    expect((await portal.request("POST", "/api/projects/viewed/members", { cookie: hal, body: { email: "gina@example.com", role: "viewer" } })).status).toBe(201);
  });

  const create = async (body: Record<string, unknown>) => {
    const created = await portal.request("POST", "/api/me/tokens", { cookie: owner, body });
    expect(created.status, created.text).toBe(201);
    return created.json.token as { id: string; token: string; project: string | null; role: string | null; expiresAt: string | null };
  };

  // A deploy with the mock engine: seconds alone, longer on a loaded machine.
  it("a developer token for shop deploys and reads shop, and nothing more", { timeout: 120_000 }, async () => {
    const { token, ...shown } = await create({ name: "ci", project: "shop", role: "developer", expiresInDays: 30 });
    expect(shown).toMatchObject({ name: "ci", project: "shop", role: "developer" });
    expect(Date.parse(shown.expiresAt!) - Date.now()).toBeGreaterThan(29.9 * 86_400_000);
    expect(Date.parse(shown.expiresAt!) - Date.now()).toBeLessThanOrEqual(30 * 86_400_000);

    const read = await portal.request("GET", "/api/projects/shop", { token });
    expect(read.status).toBe(200);
    // It acts as a developer, though its user owns shop.
    expect(read.json.project.role).toBe("developer");
    expect((await portal.request("PATCH", "/api/projects/shop/apps/web", { token, body: { image: "nginx:1.28" } })).status).toBe(200);
    const deployed = await portal.request("POST", "/api/projects/shop/deployments", { token, body: {} });
    expect(deployed.status, deployed.text).toBe(202);
    expect((await waitForDeployment(portal, owner, "shop", deployed.json.deployment.id)).status).toBe("succeeded");
    expect((await portal.request("GET", `/api/projects/shop/deployments/${deployed.json.deployment.id}`, { token })).status).toBe(200);

    // Another project of the same user does not exist for it, exactly as for a stranger.
    const elsewhere = await portal.request("GET", "/api/projects/other", { token });
    const stranger = await portal.request("GET", "/api/projects/other", { cookie: alice });
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.json).toEqual(stranger.json);
    expect((await portal.request("POST", "/api/projects/other/deployments", { token, body: {} })).status).toBe(404);
    expect((await portal.request("GET", "/api/projects/other/metrics?panel=cpu", { token })).status).toBe(404);

    // Above its role: 403, as for a developer member.
    for (const [method, path, body] of [
      ["PATCH", "/api/projects/shop", { displayName: "Shop" }],
      ["DELETE", "/api/projects/shop", undefined],
      ["POST", "/api/projects/shop/members", { email: "hal@example.com", role: "viewer" }],
    ] as const) {
      const refused = await portal.request(method, path, { token, body });
      expect(refused.status, `${method} ${path}`).toBe(403);
      expect(refused.json.error.code).toBe("forbidden");
      expect(refused.json.error.message).toContain("developer");
    }
    expect((await portal.request("GET", "/api/projects/shop", { cookie: owner })).json.project.displayName).toBeNull();

    // It lists only shop, and creates no projects; admin routes refuse it even for an admin.
    const listed = await portal.request("GET", "/api/projects", { token });
    expect(listed.json.items.map((item: { name: string; role: string }) => [item.name, item.role])).toEqual([["shop", "developer"]]);
    const creating = await portal.request("POST", "/api/projects", { token, body: { name: "sneaky" } });
    expect(creating.status).toBe(403);
    expect(creating.json.error.message).toContain("create projects");
  });

  it("a token capped at a role, for all projects, acts with at most that role in each", async () => {
    const { token } = await create({ name: "read everything", role: "viewer" });
    const listed = (await portal.request("GET", "/api/projects", { token })).json.items;
    expect(listed.map((item: { name: string; role: string }) => [item.name, item.role])).toEqual([
      ["other", "viewer"],
      ["shop", "viewer"],
      ["viewed", "viewer"],
    ]);
    expect((await portal.request("GET", "/api/projects/other/spec", { token })).status).toBe(200);
    expect((await portal.request("POST", "/api/projects/other/deployments", { token, body: {} })).status).toBe(403);
    expect((await portal.request("GET", "/api/projects/hals", { token })).status).toBe(404);
    expect((await portal.request("POST", "/api/projects", { token, body: { name: "sneaky" } })).status).toBe(403);
  });

  it("a member's own smaller role still rules: an owner token for a project the user only views cannot change it", async () => {
    const refused = await portal.request("POST", "/api/me/tokens", { cookie: owner, body: { name: "too much", project: "viewed", role: "owner" } });
    expect(refused.status).toBe(400);
    expect(refused.json.error.details).toEqual([{ path: "role", message: expect.stringContaining('your role in "viewed" is viewer') }]);
    const { token } = await create({ name: "all of mine", role: "owner" });
    expect((await portal.request("PATCH", "/api/projects/viewed", { token, body: { displayName: "Mine" } })).status).toBe(403);
  });

  it("a limited token sees and revokes only itself, and cannot change the account", async () => {
    const ci = await create({ name: "ci-self", project: "shop" });
    const other = await create({ name: "laptop", role: "viewer" });
    const listed = await portal.request("GET", "/api/me/tokens", { token: ci.token });
    expect(listed.json.items.map((item: { name: string }) => item.name)).toEqual(["ci-self"]);
    const revokeOther = await portal.request("DELETE", `/api/me/tokens/${other.id}`, { token: ci.token });
    expect(revokeOther.status).toBe(403);
    expect(revokeOther.json.error.message).toContain("revoke other tokens");
    const rename = await portal.request("PATCH", "/api/me", { token: ci.token, body: { name: "Mallory" } });
    expect(rename.status).toBe(403);
    expect(rename.json.error.message).toContain("change the account");
    expect((await portal.request("GET", "/api/me", { cookie: owner })).json.user.name).not.toBe("Mallory");
    // The other token still works; this one can revoke itself, written as the URL may write its id.
    expect((await portal.request("GET", "/api/projects", { token: other.token })).status).toBe(200);
    expect((await portal.request("DELETE", `/api/me/tokens/00${ci.id}`, { token: ci.token })).status).toBe(204);
    expect((await portal.request("GET", "/api/projects", { token: ci.token })).status).toBe(401);
  });

  it("admin routes refuse any limited token", async () => {
    const admin = await portal.request("POST", "/api/me/tokens", { cookie: alice, body: { name: "capped", role: "owner" } });
    const unlimited = await portal.request("POST", "/api/me/tokens", { cookie: alice, body: { name: "admin script" } });
    expect((await portal.request("GET", "/api/admin/upgrades", { token: unlimited.json.token.token })).status).toBe(200);
    const refused = await portal.request("GET", "/api/admin/upgrades", { token: admin.json.token.token });
    expect(refused.status).toBe(403);
    expect(refused.json.error.message).toContain("administer the platform");
  });

  it("an expired token answers 401 token_expired, saying so", async () => {
    const { token, id } = await create({ name: "short-lived", project: "shop", expiresInDays: 1 });
    await portal.portal.database
      .knex("api_tokens")
      .where({ id })
      .update({ expiresAt: new Date(Date.now() - 1000) });
    const expired = await portal.request("GET", "/api/projects/shop", { token });
    expect(expired.status).toBe(401);
    expect(expired.json.error.code).toBe("token_expired");
    expect(expired.json.error.message).toMatch(/expired at .*create a new one/);
    // The same once it was cached: expiry is checked on every request.
    const { token: cached, id: cachedId } = await create({ name: "cached", expiresInDays: 1 });
    expect((await portal.request("GET", "/api/me", { token: cached })).status).toBe(200);
    await portal.portal.database
      .knex("api_tokens")
      .where({ id: cachedId })
      .update({ expiresAt: new Date(Date.now() - 1000) });
    await announce(await idOf("gina@example.com"));
    expect((await portal.request("GET", "/api/me", { token: cached })).json.error.code).toBe("token_expired");
  });

  it("a project's token stops working with the project, and a new project of the same name is not its", async () => {
    await createProject(portal, owner, "brief");
    const { token } = await create({ name: "brief ci", project: "brief" });
    expect((await portal.request("GET", "/api/projects/brief", { token })).status).toBe(200);
    expect((await portal.request("DELETE", "/api/projects/brief", { cookie: owner })).json.deleted).toBe(true);
    await createProject(portal, owner, "brief");
    const after = await portal.request("GET", "/api/projects/brief", { token });
    expect(after.status).toBe(401);
    expect((await portal.request("GET", "/api/me/tokens", { cookie: owner })).json.items.map((item: { name: string }) => item.name)).not.toContain("brief ci");
  });

  it("the list shows each token's project, role and expiry", async () => {
    const items = (await portal.request("GET", "/api/me/tokens", { cookie: owner })).json.items;
    const ci = items.find((item: { name: string }) => item.name === "ci");
    const everything = items.find((item: { name: string }) => item.name === "read everything");
    expect(ci).toMatchObject({ project: "shop", role: "developer", expiresAt: expect.any(String) });
    expect(everything).toMatchObject({ project: null, role: "viewer", expiresAt: null });
  });

  it("refuses, by field, a project that is not the user's, a role not in the list and an expiry out of bounds", async () => {
    const problems = async (body: Record<string, unknown>) => {
      const answer = await portal.request("POST", "/api/me/tokens", { cookie: owner, body: { name: "bad", ...body } });
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.json.error.code).toBe("invalid_request");
      return answer.json.error.details as { path: string; message: string }[];
    };
    // Unknown, and another user's: the same answer, so nobody learns which names exist.
    const unknown = await problems({ project: "nope" });
    expect(unknown).toEqual([{ path: "project", message: expect.stringContaining('not a member of a project named "nope"') }]);
    expect(await problems({ project: "hals" })).toEqual([{ path: "project", message: expect.stringContaining('not a member of a project named "hals"') }]);
    expect(await problems({ role: "admin" })).toEqual([{ path: "role", message: expect.stringMatching(/owner, developer, viewer, or null/) }]);
    for (const expiresInDays of [0, 366, 1.5, -3]) {
      expect(await problems({ expiresInDays })).toEqual([{ path: "expiresInDays", message: expect.stringContaining("from 1 to 365") }]);
    }
    expect(await problems({ expiresInDays: "30" })).toEqual([{ path: "expiresInDays", message: expect.stringContaining("from 1 to 365") }]);
    expect(await problems({ expiresAt: "2030-01-01T00:00:00Z" })).toEqual([{ path: "expiresAt", message: "unknown field" }]);
  });
});

async function idOf(email: string): Promise<string> {
  return (await portal.portal.database.knex("users").where({ email }).first()).id;
}

/** Changes made behind the portal's back are announced the way the portal announces its own. */
async function announce(userId: string) {
  await portal.portal.database.knex.raw("select pg_notify('babyhelm_auth', ?)", [userId]);
  await new Promise((resolve) => setTimeout(resolve, 300));
}

describe("sessions", () => {
  it("slide: a session used after a while is renewed, an idle one ends, and none outlives 30 days", async () => {
    const cookie = await signUp(portal, "carol@example.com");
    const sessions = () => portal.portal.database.knex("sessions");
    const [session] = await sessions().orderBy("id", "desc").limit(1);
    await sessions()
      .where({ id: session.id })
      .update({ lastSeenAt: new Date(Date.now() - 3600_000), expiresAt: new Date(Date.now() + 60_000) });
    await announce(session.userId);
    const used = await portal.request("GET", "/api/me", { cookie });
    expect(used.status).toBe(200);
    expect(used.headers.getSetCookie().join()).toMatch(/bh_session=.+; path=\/; expires=/);
    const renewed = await sessions().where({ id: session.id }).first();
    expect(renewed.expiresAt.getTime()).toBeGreaterThan(Date.now() + 6.9 * 24 * 3600_000);

    await sessions()
      .where({ id: session.id })
      .update({ expiresAt: new Date(Date.now() - 1000) });
    await announce(session.userId);
    const expired = await portal.request("GET", "/api/me", { cookie });
    expect(expired.status).toBe(401);
    expect(expired.headers.getSetCookie().join()).toMatch(/bh_session=;/);

    const other = await signUp(portal, "dave@example.com");
    const [latest] = await sessions().orderBy("id", "desc").limit(1);
    await sessions()
      .where({ id: latest.id })
      .update({ absoluteExpiresAt: new Date(Date.now() - 1000) });
    await announce(latest.userId);
    expect((await portal.request("GET", "/api/me", { cookie: other })).status).toBe(401);
  });
});
