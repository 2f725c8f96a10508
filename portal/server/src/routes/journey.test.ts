/**
 * The whole account journey against real PostgreSQL and a real SMTP server: register -> mail -> confirm
 * through the mailed token -> login -> /api/me -> change password (the other session ends) -> token ->
 * bearer request -> delete account.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tokenFrom } from "../test-support/smtp.js";
import { sessionCookieFrom, startTestPortal, type TestPortal } from "../test-support/portal.js";

let portal: TestPortal;
beforeAll(async () => {
  portal = await startTestPortal();
});
afterAll(async () => {
  await portal?.stop();
});

describe("the account journey", () => {
  it("goes from sign-up to account deletion", async () => {
    const email = "Alice.Smith@Example.COM ";
    const password = "correct horse battery";

    const registered = await portal.request("POST", "/api/auth/register", { body: { email, password, name: "Alice" } });
    expect(registered.status).toBe(201);
    expect(registered.json).toEqual({ user: { email: "alice.smith@example.com", name: "Alice", emailConfirmed: false } });

    const mail = await portal.smtp.waitFor((candidate) => candidate.to.includes("alice.smith@example.com"));
    const tooEarly = await portal.request("POST", "/api/auth/login", { body: { email, password } });
    expect(tooEarly.status).toBe(403);
    expect(tooEarly.json.error.code).toBe("email_not_confirmed");

    expect(mail.subject).toBe("Confirm your e-mail address for BabyHelm");
    expect(mail.text).toMatch(/http:\/\/portal\.test\/confirm-email\?token=[\w-]{43}/);
    const token = tokenFrom(mail);

    const confirmed = await portal.request("POST", "/api/auth/confirm", { body: { token } });
    expect(confirmed.status).toBe(200);
    expect(confirmed.json.user).toMatchObject({ email: "alice.smith@example.com", emailConfirmed: true, isAdmin: true });
    expect((await portal.request("POST", "/api/auth/confirm", { body: { token } })).json.error.code).toBe("invalid_token");

    const login = await portal.request("POST", "/api/auth/login", { body: { email: "alice.smith@example.com", password } });
    expect(login.status).toBe(200);
    const setCookie = login.headers.getSetCookie().find((cookie) => cookie.startsWith("bh_session="))!;
    expect(setCookie).toMatch(/; httponly/i);
    expect(setCookie).toMatch(/; samesite=lax/i);
    expect(setCookie).not.toMatch(/; secure/i);
    const sessionA = sessionCookieFrom(login)!;

    const me = await portal.request("GET", "/api/me", { cookie: sessionA });
    expect(me.status).toBe(200);
    expect(me.json.user).toMatchObject({ email: "alice.smith@example.com", name: "Alice", emailConfirmed: true });
    expect(JSON.stringify(me.json)).not.toMatch(/password/i);

    const sessionB = sessionCookieFrom(await portal.request("POST", "/api/auth/login", { body: { email, password } }))!;
    expect((await portal.request("GET", "/api/me", { cookie: sessionB })).status).toBe(200);

    const renamed = await portal.request("PATCH", "/api/me", { cookie: sessionA, body: { name: "Alice Smith" } });
    expect(renamed.json.user.name).toBe("Alice Smith");

    const newPassword = "a much better passphrase";
    const changed = await portal.request("POST", "/api/me/password", { cookie: sessionA, body: { currentPassword: password, newPassword } });
    expect(changed.status).toBe(204);
    expect((await portal.request("GET", "/api/me", { cookie: sessionB })).status).toBe(401);
    expect((await portal.request("GET", "/api/me", { cookie: sessionA })).status).toBe(200);
    expect((await portal.request("POST", "/api/auth/login", { body: { email, password } })).status).toBe(401);

    const created = await portal.request("POST", "/api/me/tokens", { cookie: sessionA, body: { name: "ci" } });
    expect(created.status).toBe(201);
    const apiToken: string = created.json.token.token;
    expect(apiToken).toMatch(/^bh_[\w-]{43}$/);
    const listed = await portal.request("GET", "/api/me/tokens", { cookie: sessionA });
    expect(listed.json.items).toEqual([expect.objectContaining({ name: "ci", prefix: apiToken.slice(0, 9), lastUsedAt: null })]);
    expect(listed.text).not.toContain(apiToken);

    const viaToken = await portal.request("GET", "/api/me", { token: apiToken });
    expect(viaToken.status).toBe(200);
    expect(viaToken.json.user.email).toBe("alice.smith@example.com");
    const afterUse = await portal.request("GET", "/api/me/tokens", { token: apiToken });
    expect(afterUse.json.items[0].lastUsedAt).not.toBeNull();
    // A token cannot change the password or delete the account: that needs a password login.
    expect((await portal.request("DELETE", "/api/me", { token: apiToken, body: { password: newPassword } })).json.error.code).toBe("session_required");

    const wrongPassword = await portal.request("DELETE", "/api/me", { cookie: sessionA, body: { password } });
    expect(wrongPassword.status).toBe(400);
    const deleted = await portal.request("DELETE", "/api/me", { cookie: sessionA, body: { password: newPassword } });
    expect(deleted.status).toBe(204);
    expect((await portal.request("GET", "/api/me", { cookie: sessionA })).status).toBe(401);
    expect((await portal.request("GET", "/api/me", { token: apiToken })).status).toBe(401);
    expect((await portal.request("POST", "/api/auth/login", { body: { email, password: newPassword } })).status).toBe(401);
    const remaining = await portal.portal.database.knex("users").count({ count: "*" }).first();
    expect(Number(remaining!.count)).toBe(0);
  });

  it("logs out: the session stops working and the cookie is cleared", async () => {
    const { signUp } = await import("../test-support/portal.js");
    const cookie = await signUp(portal, "bob@example.com");
    const logout = await portal.request("POST", "/api/auth/logout", { cookie });
    expect(logout.status).toBe(204);
    expect(logout.headers.getSetCookie().join()).toMatch(/bh_session=;/);
    expect((await portal.request("GET", "/api/me", { cookie })).status).toBe(401);
  });
});
