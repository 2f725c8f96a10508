import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUp, startTestPortal, type TestPortal } from "../test-support/portal.js";

let portal: TestPortal;
let alice: string;
let bob: string;
beforeAll(async () => {
  portal = await startTestPortal();
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
    expect(shown).toEqual({ id: expect.any(String), name: "deploy from CI", prefix: token.slice(0, 9), createdAt: expect.any(String), lastUsedAt: null });
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
    await sessions().where({ id: session.id }).update({ lastSeenAt: new Date(Date.now() - 3600_000), expiresAt: new Date(Date.now() + 60_000) });
    await announce(session.userId);
    const used = await portal.request("GET", "/api/me", { cookie });
    expect(used.status).toBe(200);
    expect(used.headers.getSetCookie().join()).toMatch(/bh_session=.+; path=\/; expires=/);
    const renewed = await sessions().where({ id: session.id }).first();
    expect(renewed.expiresAt.getTime()).toBeGreaterThan(Date.now() + 6.9 * 24 * 3600_000);

    await sessions().where({ id: session.id }).update({ expiresAt: new Date(Date.now() - 1000) });
    await announce(session.userId);
    const expired = await portal.request("GET", "/api/me", { cookie });
    expect(expired.status).toBe(401);
    expect(expired.headers.getSetCookie().join()).toMatch(/bh_session=;/);

    const other = await signUp(portal, "dave@example.com");
    const [latest] = await sessions().orderBy("id", "desc").limit(1);
    await sessions().where({ id: latest.id }).update({ absoluteExpiresAt: new Date(Date.now() - 1000) });
    await announce(latest.userId);
    expect((await portal.request("GET", "/api/me", { cookie: other })).status).toBe(401);
  });
});
