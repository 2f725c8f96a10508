/**
 * Bad input across the endpoints: every case answers 4xx with the JSON error shape, never 5xx, and the
 * message names what is wrong.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUp, startTestPortal, type RequestOptions, type TestPortal } from "../test-support/portal.js";

let portal: TestPortal;
let cookie: string;
let usedToken: string;
let expiredToken: string;
let liveResetToken: string;

beforeAll(async () => {
  portal = await startTestPortal();
  cookie = await signUp(portal, "owner@example.com");
  // A reset token that was already used, and one that has expired.
  await portal.request("POST", "/api/auth/password-reset", { body: { email: "owner@example.com" } });
  const resetMail = await portal.smtp.waitFor((mail) => mail.subject.startsWith("Set a new"));
  usedToken = /token=([\w-]+)/.exec(resetMail.text)![1]!;
  const reset = await portal.request("POST", "/api/auth/password-reset/confirm", { body: { token: usedToken, password: "correct horse battery" } });
  if (reset.status !== 204) throw new Error(reset.text);
  cookie = (await portal.request("POST", "/api/auth/login", { body: { email: "owner@example.com", password: "correct horse battery" } })).headers.getSetCookie()[0]!.split(";")[0]!;
  await portal.portal.database.knex("email_tokens").update({ createdAt: new Date(Date.now() - 7200_000) });
  await portal.request("POST", "/api/auth/password-reset", { body: { email: "owner@example.com" } });
  const second = await portal.smtp.waitFor((mail) => mail.subject.startsWith("Set a new") && !mail.text.includes(usedToken));
  expiredToken = /token=([\w-]+)/.exec(second.text)![1]!;
  await portal.portal.database
    .knex("email_tokens")
    .whereNull("usedAt")
    .update({ expiresAt: new Date(Date.now() - 1000) });
  await portal.portal.database.knex("email_tokens").update({ createdAt: new Date(Date.now() - 7200_000) });
  await portal.request("POST", "/api/auth/password-reset", { body: { email: "owner@example.com" } });
  const third = await portal.smtp.waitFor((mail) => mail.subject.startsWith("Set a new") && !mail.text.includes(usedToken) && !mail.text.includes(expiredToken));
  liveResetToken = /token=([\w-]+)/.exec(third.text)![1]!;
});
afterAll(async () => {
  await portal?.stop();
});

interface Case {
  title: string;
  method: string;
  path: string;
  options?: RequestOptions | (() => RequestOptions);
  auth?: boolean;
  status: number;
  code: string;
  /** A fragment the message must contain. */
  message?: string;
}

const long = (length: number) => "x".repeat(length);
const validRegistration = { email: "new@example.com", password: "correct horse battery", name: "New" };

const CASES: Case[] = [
  // Body format
  {
    title: "a body over 1 MB",
    method: "POST",
    path: "/api/auth/register",
    options: { rawBody: JSON.stringify({ ...validRegistration, name: long(1_100_000) }) },
    status: 413,
    code: "payload_too_large",
  },
  {
    title: "a form instead of JSON",
    method: "POST",
    path: "/api/auth/login",
    options: { rawBody: "email=a&password=b", contentType: "application/x-www-form-urlencoded" },
    status: 415,
    code: "unsupported_media_type",
  },
  {
    title: "plain text instead of JSON",
    method: "POST",
    path: "/api/auth/register",
    options: { rawBody: "{}", contentType: "text/plain" },
    status: 415,
    code: "unsupported_media_type",
  },
  {
    title: "multipart instead of JSON",
    method: "PATCH",
    path: "/api/me",
    auth: true,
    options: { rawBody: "--x--", contentType: "multipart/form-data; boundary=x" },
    status: 415,
    code: "unsupported_media_type",
  },
  { title: "malformed JSON", method: "POST", path: "/api/auth/login", options: { rawBody: '{"email": "a@example.com",' }, status: 400, code: "invalid_json" },
  { title: "a JSON string instead of an object", method: "POST", path: "/api/auth/login", options: { rawBody: '"hello"' }, status: 400, code: "invalid_json" },
  {
    title: "a JSON array instead of an object",
    method: "POST",
    path: "/api/auth/login",
    options: { body: [1, 2] },
    status: 400,
    code: "invalid_request",
    message: "body: must be a mapping of fields, not a list",
  },
  { title: "JSON null", method: "POST", path: "/api/auth/resend", options: { rawBody: "null" }, status: 400, code: "invalid_json" },
  {
    title: "JSON in a charset we do not read",
    method: "POST",
    path: "/api/auth/login",
    options: { rawBody: "{}", contentType: "application/json; charset=latin1" },
    status: 415,
    code: "unsupported_media_type",
  },
  {
    title: "a compressed body",
    method: "POST",
    path: "/api/auth/login",
    options: { rawBody: "{}", headers: { "content-encoding": "gzip" } },
    status: 415,
    code: "unsupported_media_type",
  },
  {
    title: "a bodyless post with the session cookie and no content type",
    method: "POST",
    path: "/api/auth/logout",
    options: { contentType: "" },
    auth: true,
    status: 415,
    code: "unsupported_media_type",
    message: "must say Content-Type: application/json, even without a body",
  },
  {
    title: "a bodyless post with the session cookie as a cross-site form would",
    method: "POST",
    path: "/api/auth/logout",
    options: { contentType: "application/x-www-form-urlencoded" },
    auth: true,
    status: 415,
    code: "unsupported_media_type",
  },
  {
    title: "a delete with a body that is not JSON",
    method: "DELETE",
    path: "/api/me/tokens/1",
    options: { rawBody: "id=1", contentType: "application/x-www-form-urlencoded" },
    auth: true,
    status: 415,
    code: "unsupported_media_type",
  },
  // register
  { title: "register without a body", method: "POST", path: "/api/auth/register", status: 400, code: "invalid_request", message: "email: is required" },
  {
    title: "register without a password",
    method: "POST",
    path: "/api/auth/register",
    options: { body: { email: "x@example.com", name: "X" } },
    status: 400,
    code: "invalid_request",
    message: "password: is required",
  },
  {
    title: "register with a number as name",
    method: "POST",
    path: "/api/auth/register",
    options: { body: { ...validRegistration, name: 42 } },
    status: 400,
    code: "invalid_request",
    message: "name: must be text, not a whole number",
  },
  {
    title: "register with an unknown key",
    method: "POST",
    path: "/api/auth/register",
    options: { body: { ...validRegistration, isAdmin: true } },
    status: 400,
    code: "invalid_request",
    message: "isAdmin: unknown field",
  },
  {
    title: "register with a malformed e-mail",
    method: "POST",
    path: "/api/auth/register",
    options: { body: { ...validRegistration, email: "not-an-email" } },
    status: 400,
    code: "invalid_request",
    message: "email: must be an e-mail address",
  },
  {
    title: "register with an overlong e-mail",
    method: "POST",
    path: "/api/auth/register",
    options: { body: { ...validRegistration, email: `${long(250)}@example.com` } },
    status: 400,
    code: "invalid_request",
    message: "email: must be at most 254 characters long",
  },
  {
    title: "register with a short password",
    method: "POST",
    path: "/api/auth/register",
    options: { body: { ...validRegistration, password: "short" } },
    status: 400,
    code: "invalid_request",
    message: "password: must be at least 10 characters long",
  },
  {
    title: "register with a password over 72 bytes",
    method: "POST",
    path: "/api/auth/register",
    options: { body: { ...validRegistration, password: "é".repeat(40) } },
    status: 400,
    code: "invalid_request",
    message: "longer than 72 bytes",
  },
  {
    title: "register with a NUL in the password",
    method: "POST",
    path: "/api/auth/register",
    options: { body: { ...validRegistration, password: "\u0000".repeat(12) } },
    status: 400,
    code: "invalid_request",
    message: "password: contains a NUL character (U+0000), which Kubernetes and PostgreSQL cannot store; remove it",
  },
  {
    title: "register with the e-mail as password",
    method: "POST",
    path: "/api/auth/register",
    options: { body: { ...validRegistration, password: "New@Example.com" } },
    status: 400,
    code: "invalid_request",
    message: "must not be your e-mail address",
  },
  {
    title: "register with an empty name",
    method: "POST",
    path: "/api/auth/register",
    options: { body: { ...validRegistration, name: "   " } },
    status: 400,
    code: "invalid_request",
    message: "name: must not be empty",
  },
  {
    title: "register with an overlong name",
    method: "POST",
    path: "/api/auth/register",
    options: { body: { ...validRegistration, name: long(101) } },
    status: 400,
    code: "invalid_request",
    message: "name: must be at most 100 characters long",
  },
  {
    title: "register with a control character in the name",
    method: "POST",
    path: "/api/auth/register",
    options: { body: { ...validRegistration, name: "a\u0007b" } },
    status: 400,
    code: "invalid_request",
    message: "name: contains a control character (U+0007); remove it",
  },
  // confirm and reset tokens
  { title: "confirm without a token", method: "POST", path: "/api/auth/confirm", options: { body: {} }, status: 400, code: "invalid_request", message: "token: is required" },
  { title: "confirm with a made-up token", method: "POST", path: "/api/auth/confirm", options: { body: { token: "made-up" } }, status: 400, code: "invalid_token" },
  {
    title: "confirm with an overlong token",
    method: "POST",
    path: "/api/auth/confirm",
    options: { body: { token: long(201) } },
    status: 400,
    code: "invalid_request",
    message: "token: must be at most 200 characters long",
  },
  { title: "confirm with a live reset token", method: "POST", path: "/api/auth/confirm", options: () => ({ body: { token: liveResetToken } }), status: 400, code: "invalid_token" },
  {
    title: "reset with a used token",
    method: "POST",
    path: "/api/auth/password-reset/confirm",
    options: () => ({ body: { token: usedToken, password: "another good password" } }),
    status: 400,
    code: "invalid_token",
  },
  {
    title: "reset with an expired token",
    method: "POST",
    path: "/api/auth/password-reset/confirm",
    options: () => ({ body: { token: expiredToken, password: "another good password" } }),
    status: 400,
    code: "invalid_token",
  },
  {
    title: "reset without a password",
    method: "POST",
    path: "/api/auth/password-reset/confirm",
    options: { body: { token: "x" } },
    status: 400,
    code: "invalid_request",
    message: "password: is required",
  },
  {
    title: "reset request with a malformed e-mail",
    method: "POST",
    path: "/api/auth/password-reset",
    options: { body: { email: "@" } },
    status: 400,
    code: "invalid_request",
    message: "email: must be an e-mail address",
  },
  {
    title: "resend with an unknown key",
    method: "POST",
    path: "/api/auth/resend",
    options: { body: { email: "a@example.com", again: true } },
    status: 400,
    code: "invalid_request",
    message: "again: unknown field",
  },
  // login
  {
    title: "login with a wrong password",
    method: "POST",
    path: "/api/auth/login",
    options: { body: { email: "owner@example.com", password: "wrong password!" } },
    status: 401,
    code: "invalid_credentials",
  },
  {
    title: "login with an unknown e-mail",
    method: "POST",
    path: "/api/auth/login",
    options: { body: { email: "nobody@example.com", password: "whatever password" } },
    status: 401,
    code: "invalid_credentials",
  },
  {
    title: "login with a boolean password",
    method: "POST",
    path: "/api/auth/login",
    options: { body: { email: "owner@example.com", password: true } },
    status: 400,
    code: "invalid_request",
    message: "password: must be text, not true/false",
  },
  {
    title: "login with an overlong password",
    method: "POST",
    path: "/api/auth/login",
    options: { body: { email: "owner@example.com", password: long(1001) } },
    status: 400,
    code: "invalid_request",
    message: "password: must be at most 1000 characters long",
  },
  // /api/me
  { title: "me without credentials", method: "GET", path: "/api/me", status: 401, code: "unauthenticated" },
  { title: "me with a made-up cookie", method: "GET", path: "/api/me", options: { cookie: "bh_session=made-up" }, status: 401, code: "unauthenticated" },
  { title: "me with a malformed bearer header", method: "GET", path: "/api/me", options: { headers: { authorization: "Basic abc" } }, status: 401, code: "unauthenticated" },
  { title: "me with an unknown token", method: "GET", path: "/api/me", options: { token: `bh_${long(43)}` }, status: 401, code: "unauthenticated" },
  {
    title: "patch me with nothing to change",
    method: "PATCH",
    path: "/api/me",
    auth: true,
    options: { body: {} },
    status: 400,
    code: "invalid_request",
    message: "send at least one field",
  },
  {
    title: "patch me with an unknown key",
    method: "PATCH",
    path: "/api/me",
    auth: true,
    options: { body: { email: "x@example.com" } },
    status: 400,
    code: "invalid_request",
    message: "email: unknown field",
  },
  {
    title: "change password with the wrong current one",
    method: "POST",
    path: "/api/me/password",
    auth: true,
    options: { body: { currentPassword: "wrong password!", newPassword: "a new good password" } },
    status: 400,
    code: "invalid_request",
    message: "currentPassword: the password is wrong",
  },
  {
    title: "change password to a short one",
    method: "POST",
    path: "/api/me/password",
    auth: true,
    options: { body: { currentPassword: "correct horse battery", newPassword: "short" } },
    status: 400,
    code: "invalid_request",
    message: "newPassword: must be at least 10 characters long",
  },
  {
    title: "change password without the new one",
    method: "POST",
    path: "/api/me/password",
    auth: true,
    options: { body: { currentPassword: "correct horse battery" } },
    status: 400,
    code: "invalid_request",
    message: "newPassword: is required",
  },
  {
    title: "delete the account without a password",
    method: "DELETE",
    path: "/api/me",
    auth: true,
    options: { body: {} },
    status: 400,
    code: "invalid_request",
    message: "password: is required",
  },
  {
    title: "delete the account with a wrong password",
    method: "DELETE",
    path: "/api/me",
    auth: true,
    options: { body: { password: "wrong password!" } },
    status: 400,
    code: "invalid_request",
    message: "password: the password is wrong",
  },
  // tokens
  {
    title: "create a token without a name",
    method: "POST",
    path: "/api/me/tokens",
    auth: true,
    options: { body: {} },
    status: 400,
    code: "invalid_request",
    message: "name: is required",
  },
  {
    title: "create a token with an overlong name",
    method: "POST",
    path: "/api/me/tokens",
    auth: true,
    options: { body: { name: long(101) } },
    status: 400,
    code: "invalid_request",
    message: "name: must be at most 100 characters long",
  },
  { title: "delete a token that does not exist", method: "DELETE", path: "/api/me/tokens/999999", auth: true, status: 404, code: "not_found" },
  { title: "delete a token with a non-numeric id", method: "DELETE", path: "/api/me/tokens/abc", auth: true, status: 404, code: "not_found" },
  { title: "delete a token with an id beyond bigint", method: "DELETE", path: "/api/me/tokens/99999999999999999999999", auth: true, status: 404, code: "not_found" },
  // routing
  { title: "an unknown API path", method: "GET", path: "/api/nothing-here", status: 404, code: "not_found" },
  { title: "a method the route does not have", method: "PUT", path: "/api/me", auth: true, options: { body: {} }, status: 405, code: "method_not_allowed" },
];

describe(`bad input: ${CASES.length} cases`, () => {
  it("has at least 40 cases", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  for (const badCase of CASES) {
    it(`${badCase.title} -> ${badCase.status} ${badCase.code}`, async () => {
      const options = typeof badCase.options === "function" ? badCase.options() : (badCase.options ?? {});
      const response = await portal.request(badCase.method, badCase.path, { ...options, ...(badCase.auth ? { cookie } : {}) });
      expect(response.status, response.text).toBe(badCase.status);
      expect(response.json).toEqual({ error: expect.objectContaining({ code: badCase.code, message: expect.any(String) }) });
      if (badCase.message) expect(response.json.error.message + JSON.stringify(response.json.error.details ?? "")).toContain(badCase.message);
    });
  }

  it("takes bodyless DELETE, PUT and PATCH without a content type, and bodyless POSTs by token, as scripts send them", async () => {
    const created = await portal.request("POST", "/api/me/tokens", { cookie, body: { name: "script" } });
    const token = created.json.token.token as string;
    const second = await portal.request("POST", "/api/me/tokens", { cookie, body: { name: "to delete" } });
    // curl -X DELETE -H "Authorization: Bearer …": no body, no content type.
    const removed = await portal.request("DELETE", `/api/me/tokens/${second.json.token.id}`, { token, contentType: "" });
    expect(removed.status, removed.text).toBe(204);
    // The same with the session cookie: a browser cannot send a cross-site DELETE without a preflight.
    const third = await portal.request("POST", "/api/me/tokens", { cookie, body: { name: "by cookie" } });
    expect((await portal.request("DELETE", `/api/me/tokens/${third.json.token.id}`, { cookie, contentType: "" })).status).toBe(204);
    // A bodyless PATCH reaches the route, which says what it needs.
    const patch = await portal.request("PATCH", "/api/me", { cookie, contentType: "" });
    expect(patch.status).toBe(400);
    expect(patch.json.error.code).toBe("invalid_request");
    // A bodyless POST with a token needs no content type either; logging out a token's "session" is a no-op.
    const logout = await portal.request("POST", "/api/auth/logout", { token, contentType: "" });
    expect(logout.status).toBeLessThan(300);
  });

  it("left the account working after all of that", async () => {
    expect((await portal.request("GET", "/api/me", { cookie })).status).toBe(200);
  });
});
