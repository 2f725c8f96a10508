import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessionCookieFrom, signUp, startTestPortal, type TestPortal } from "../test-support/portal.js";
import { tokenFrom } from "../test-support/smtp.js";

let portal: TestPortal;
beforeAll(async () => {
  portal = await startTestPortal({
    env: { ADMIN_EMAILS: "Boss@Example.com" },
    throttle: { windowMs: 60_000, perEmail: 3, perIp: 8, emailDelayMs: 10_000, emailMaxDelayMs: 30_000 },
  });
});
afterAll(async () => {
  await portal?.stop();
});

const users = () => portal.portal.database.knex("users");

/** Until the job queue is empty: sign-up, resend and reset finish there. */
async function waitForQueue(target: TestPortal) {
  for (let attempt = 0; attempt < 200; attempt++) {
    const { rows } = await target.portal.database.knex.raw("select count(*)::int as pending from graphile_worker.jobs");
    if (rows[0].pending === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("the job queue did not empty");
}

describe("registration", () => {
  it("creates exactly one account when ten registrations of one address race", async () => {
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        portal.request("POST", "/api/auth/register", { body: { email: "race@example.com", password: `password number ${index}`, name: `Racer ${index}` } }),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(10).fill(201));
    await portal.smtp.waitFor((mail) => mail.to.includes("race@example.com") && mail.subject.startsWith("Confirm"));
    await waitForQueue(portal);
    expect(await users().where({ email: "race@example.com" }).count({ count: "*" }).first()).toEqual({ count: "1" });
  });

  it("makes the first user an admin, and anyone in ADMIN_EMAILS, but nobody else", async () => {
    const first = await users().orderBy("id").first();
    expect(first.isAdmin).toBe(true);
    const cookie = await signUp(portal, "regular@example.com");
    expect((await portal.request("GET", "/api/me", { cookie })).json.user.isAdmin).toBe(false);
    const boss = await signUp(portal, "boss@example.com");
    expect((await portal.request("GET", "/api/me", { cookie: boss })).json.user.isAdmin).toBe(true);
  });

  it("answers the same for a known address, and tells its owner by mail instead", async () => {
    const body = { email: "regular@example.com", password: "another password here", name: "Someone" };
    const known = await portal.request("POST", "/api/auth/register", { body });
    const unknown = await portal.request("POST", "/api/auth/register", { body: { ...body, email: "fresh@example.com" } });
    expect(known.status).toBe(unknown.status);
    expect(Object.keys(known.json.user)).toEqual(Object.keys(unknown.json.user));
    expect(known.json.user).toEqual({ email: "regular@example.com", name: "Someone", emailConfirmed: false });
    const notice = await portal.smtp.waitFor((mail) => mail.to.includes("regular@example.com") && mail.subject === "You already have a BabyHelm account");
    expect(notice.text).toContain("http://portal.test/forgot-password");
    // The real account is untouched: its password still works.
    expect((await portal.request("POST", "/api/auth/login", { body: { email: "regular@example.com", password: "correct horse battery" } })).status).toBe(200);
  });

  it("never lets a second sign-up change an unconfirmed account's password; the mailbox owner sets it through the mailed link", async () => {
    await portal.request("POST", "/api/auth/register", { body: { email: "claimed@example.com", password: "attacker password", name: "Mallory" } });
    await portal.smtp.waitFor((mail) => mail.to.includes("claimed@example.com") && mail.subject.startsWith("Confirm"));
    const again = await portal.request("POST", "/api/auth/register", { body: { email: "claimed@example.com", password: "the owner's password", name: "Owner" } });
    expect(again.status).toBe(201);
    const pending = await portal.smtp.waitFor((mail) => mail.to.includes("claimed@example.com") && mail.subject === "Your BabyHelm account is waiting for confirmation");
    expect((await portal.request("POST", "/api/auth/password-reset/confirm", { body: { token: tokenFrom(pending), password: "the owner's password" } })).status).toBe(204);
    expect((await portal.request("POST", "/api/auth/login", { body: { email: "claimed@example.com", password: "attacker password" } })).status).toBe(401);
    const owner = await portal.request("POST", "/api/auth/login", { body: { email: "claimed@example.com", password: "the owner's password" } });
    expect(owner.status).toBe(200);
    expect(owner.json.user.emailConfirmed).toBe(true);
  });

  it("mails the owner of a taken address at most once a minute, however often someone signs up with it", async () => {
    const before = portal.smtp.mails.filter((mail) => mail.to.includes("regular@example.com")).length;
    for (let attempt = 0; attempt < 5; attempt++) {
      await portal.request("POST", "/api/auth/register", { body: { email: "regular@example.com", password: `flood attempt ${attempt}`, name: "Flood" } });
    }
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(portal.smtp.mails.filter((mail) => mail.to.includes("regular@example.com")).length - before).toBeLessThanOrEqual(1);
  });

  it("answers resend and password reset the same whether or not the address has an account, and mails only owners", async () => {
    await portal.request("POST", "/api/auth/register", { body: { email: "unconfirmed@example.com", password: "correct horse battery", name: "U" } });
    await portal.smtp.waitFor((mail) => mail.to.includes("unconfirmed@example.com"));
    await portal.portal.database.knex("email_tokens").update({ createdAt: new Date(Date.now() - 3600_000) });
    for (const [path, known] of [
      ["/api/auth/resend", "unconfirmed@example.com"],
      ["/api/auth/password-reset", "regular@example.com"],
    ] as const) {
      const before = portal.smtp.mails.length;
      const forKnown = await portal.request("POST", path, { body: { email: known } });
      const forUnknown = await portal.request("POST", path, { body: { email: "nobody-at-all@example.com" } });
      expect([forKnown.status, forUnknown.status]).toEqual([202, 202]);
      expect(forKnown.text).toBe(forUnknown.text);
      await portal.smtp.waitFor((mail) => portal.smtp.mails.indexOf(mail) >= before && mail.to.includes(known));
      await waitForQueue(portal);
      expect(portal.smtp.mails.slice(before).some((mail) => mail.to.includes("nobody-at-all"))).toBe(false);
    }
  });

  it("keeps confirmation tokens long enough: single use, 24 hours, stored only as a hash", async () => {
    await portal.request("POST", "/api/auth/register", { body: { email: "hashed@example.com", password: "correct horse battery", name: "H" } });
    const token = tokenFrom(await portal.smtp.waitFor((mail) => mail.to.includes("hashed@example.com")));
    const rows = await portal.portal.database.knex("email_tokens").select("*");
    expect(JSON.stringify(rows)).not.toContain(token);
    const row = rows.find((candidate) => candidate.purpose === "confirm_email" && candidate.usedAt === null && candidate.createdAt > new Date(Date.now() - 60_000));
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBeGreaterThan(23.9 * 3600_000);
  });
});

describe("login", () => {
  it("makes an account wait after repeated failures, 429 with Retry-After, even for the right password", async () => {
    await signUp(portal, "target@example.com");
    for (let attempt = 0; attempt < 3; attempt++) {
      expect((await portal.request("POST", "/api/auth/login", { body: { email: "target@example.com", password: `guess number ${attempt}` } })).status).toBe(401);
    }
    const blocked = await portal.request("POST", "/api/auth/login", { body: { email: "target@example.com", password: "correct horse battery" } });
    expect(blocked.status).toBe(429);
    expect(blocked.json.error.code).toBe("too_many_requests");
    const retryAfter = Number(blocked.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    // A wait of the account's backoff (10 s here after 3 failures), not a lock for the whole window.
    expect(retryAfter).toBeLessThanOrEqual(10);
  });

  it("holds simultaneous guesses to the same limit as guesses in a row", async () => {
    await signUp(portal, "burst@example.com");
    const guesses = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        portal.request("POST", "/api/auth/login", { body: { email: "burst@example.com", password: index === 19 ? "correct horse battery" : `burst guess ${index}` } }),
      ),
    );
    const statuses = guesses.map((response) => response.status);
    expect(statuses.filter((status) => status === 401 || status === 200).length).toBeLessThanOrEqual(3);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(17);
  });

  it("throttles one address guessing many accounts", async () => {
    let status = 0;
    for (let attempt = 0; attempt < 12 && status !== 429; attempt++) {
      status = (await portal.request("POST", "/api/auth/login", { body: { email: `spray${attempt}@example.com`, password: "guessing away" } })).status;
    }
    expect(status).toBe(429);
  });
});

describe("password reset", () => {
  it("sets a new password through the mailed link, once, and ends every session", async () => {
    const fresh = await startTestPortal();
    try {
      const cookie = await signUp(fresh, "forgetful@example.com");
      await fresh.request("POST", "/api/auth/password-reset", { body: { email: "forgetful@example.com" } });
      const mail = await fresh.smtp.waitFor((candidate) => candidate.subject === "Set a new BabyHelm password");
      expect(mail.text).toMatch(/http:\/\/portal\.test\/reset-password\?token=/);
      const token = tokenFrom(mail);
      const reset = await fresh.request("POST", "/api/auth/password-reset/confirm", { body: { token, password: "brand new password" } });
      expect(reset.status).toBe(204);
      expect((await fresh.request("GET", "/api/me", { cookie })).status).toBe(401);
      expect((await fresh.request("POST", "/api/auth/password-reset/confirm", { body: { token, password: "yet another password" } })).json.error.code).toBe("invalid_token");
      const login = await fresh.request("POST", "/api/auth/login", { body: { email: "forgetful@example.com", password: "brand new password" } });
      expect(login.status).toBe(200);
      expect(sessionCookieFrom(login)).toBeDefined();
      const row = await fresh.portal.database.knex("email_tokens").where({ purpose: "reset_password" }).first();
      expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBeLessThanOrEqual(3600_000 + 1000);
    } finally {
      await fresh.stop();
    }
  });
});

describe("behind a proxy", () => {
  it("ignores X-Forwarded-For unless proxies are trusted, and then takes the address the proxy saw", async () => {
    const direct = await startTestPortal({ throttle: { windowMs: 60_000, perEmail: 100, perIp: 3 } });
    try {
      let status = 0;
      for (let attempt = 0; attempt < 6 && status !== 429; attempt++) {
        const spoofed = { "x-forwarded-for": `10.0.0.${attempt}` };
        status = (await direct.request("POST", "/api/auth/login", { body: { email: `x${attempt}@example.com`, password: "guessing again" }, headers: spoofed })).status;
      }
      expect(status).toBe(429);
    } finally {
      await direct.stop();
    }
    const proxied = await startTestPortal({ env: { TRUST_PROXY: "1" }, throttle: { windowMs: 60_000, perEmail: 100, perIp: 3 } });
    try {
      // The client forges the first entry; the ingress appends the address it saw, which is what counts.
      const through = (forged: string) => ({ "x-forwarded-for": `${forged}, 203.0.113.7` });
      const statuses = [];
      for (let attempt = 0; attempt < 5; attempt++) {
        statuses.push(
          (await proxied.request("POST", "/api/auth/login", { body: { email: `y${attempt}@example.com`, password: "guessing again" }, headers: through(`10.0.0.${attempt}`) }))
            .status,
        );
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
      const other = await proxied.request("POST", "/api/auth/login", {
        body: { email: "z@example.com", password: "guessing again" },
        headers: { "x-forwarded-for": "198.51.100.1" },
      });
      expect(other.status).toBe(401);
    } finally {
      await proxied.stop();
    }
  });

  it("keeps the owner in: 40 wrong guesses from 8 client addresses, then the owner logs in from a ninth within the maximum wait", async () => {
    // Small waits keep the test fast; production's are 1 s doubling to 60 s (login-throttle.test.ts).
    const limits = { windowMs: 60_000, perEmail: 5, perIp: 5, emailDelayMs: 20, emailMaxDelayMs: 300 };
    const proxied = await startTestPortal({ env: { TRUST_PROXY: "1" }, throttle: limits });
    try {
      const email = "besieged@example.com";
      await signUp(proxied, email);
      const from = (address: string) => ({ "x-forwarded-for": address });
      const login = (password: string, address: string) => proxied.request("POST", "/api/auth/login", { body: { email, password }, headers: from(address) });
      const attackers = Array.from({ length: 8 }, (_, index) => `198.51.100.${index + 1}`);

      // A patient attacker: each of the 40 guesses is retried until the throttle lets it be checked.
      let waited = 0;
      for (let guess = 0; guess < 40; guess++) {
        for (;;) {
          const answer = await login(`wrong guess ${guess}`, attackers[guess % attackers.length]!);
          if (answer.status === 401) break;
          expect(answer.status, answer.text).toBe(429);
          expect(Number(answer.headers.get("retry-after"))).toBe(1);
          waited++;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      }
      // The account's backoff held them back (the old rule would have locked the account at the 5th).
      expect(waited).toBeGreaterThan(0);
      const failures = () => proxied.portal.database.knex("login_failures").where({ email });
      expect(await failures()).toHaveLength(40);

      // The owner, from a ninth address, waits at most the longest wait after the last guess.
      const ninth = "203.0.113.9";
      const lastGuess = Date.now();
      let owner = await login("correct horse battery", ninth);
      if (owner.status === 429) {
        expect(Number(owner.headers.get("retry-after"))).toBeLessThanOrEqual(Math.ceil(limits.emailMaxDelayMs / 1000));
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, lastGuess + limits.emailMaxDelayMs - Date.now())));
        owner = await login("correct horse battery", ninth);
      }
      expect(owner.status, owner.text).toBe(200);
      expect(sessionCookieFrom(owner)).toBeDefined();
      // Waiting no longer than the maximum, plus the time the requests themselves take.
      expect(Date.now() - lastGuess).toBeLessThan(limits.emailMaxDelayMs + 5_000);

      // The success forgave the account, not the addresses: each attacker's is still at its hard limit.
      expect((await failures()).every((row) => row.forgivenAt !== null)).toBe(true);
      for (const attacker of attackers) {
        const refused = await login("correct horse battery", attacker);
        expect(refused.status).toBe(429);
        expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(Math.ceil(limits.emailMaxDelayMs / 1000));
      }
      // And the owner's account starts over: a typo from the ninth address costs no wait.
      expect((await login("one typo", ninth)).status).toBe(401);
      expect((await login("correct horse battery", ninth)).status).toBe(200);
    } finally {
      await proxied.stop();
    }
  });

  it("sets Secure session cookies when served over https, also where TLS ends at the ingress", async () => {
    const https = await startTestPortal({ env: { PUBLIC_URL: "https://portal.example.com" } });
    try {
      await https.request("POST", "/api/auth/register", { body: { email: "tls@example.com", password: "correct horse battery", name: "T" } });
      const mail = await https.smtp.waitFor((candidate) => candidate.to.includes("tls@example.com"));
      expect(mail.text).toContain("https://portal.example.com/confirm-email?token=");
      await https.request("POST", "/api/auth/confirm", { body: { token: tokenFrom(mail) } });
      const login = await https.request("POST", "/api/auth/login", { body: { email: "tls@example.com", password: "correct horse battery" } });
      expect(login.status).toBe(200);
      expect(login.headers.getSetCookie().find((cookie) => cookie.startsWith("bh_session="))).toMatch(/; secure/i);
      expect((await https.request("GET", "/api/health", { cookie: "bh_session=stale" })).status).toBe(200);
    } finally {
      await https.stop();
    }
  });
});
