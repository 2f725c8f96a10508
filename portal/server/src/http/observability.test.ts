import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pino from "pino";
import { createApp } from "../app.js";
import { loadConfig } from "../config.js";
import { bindModels, createKnex } from "../db/database.js";
import { freePort } from "../db/embedded.js";
import { signUp, startTestPortal, type TestPortal } from "../test-support/portal.js";
import { tokenFrom } from "../test-support/smtp.js";
import { createServer } from "node:http";
import { tempDir } from "../../../../test/support/temp-dir.js";

let portal: TestPortal;
beforeAll(async () => {
  portal = await startTestPortal();
});
afterAll(async () => {
  await portal?.stop();
});

describe("health and readiness", () => {
  it("answers /api/health and /api/ready while the database answers", async () => {
    expect((await portal.request("GET", "/api/health")).json).toEqual({ status: "ok" });
    expect((await portal.request("GET", "/api/ready")).json).toEqual({ status: "ready" });
  });

  it("answers /api/ready with 503 when the database does not, and /api/health with 200", async () => {
    const config = loadConfig({ NODE_ENV: "test", DATA_DIR: tempDir("ready"), BCRYPT_ROUNDS: "4" });
    const knex = createKnex(`postgres://nobody:nothing@127.0.0.1:${await freePort()}/none`, 1, pino({ level: "silent" }));
    const app = createApp({ config, logger: pino({ level: "silent" }), database: { knex, models: bindModels(knex) } });
    const server = createServer(app.callback()).listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const ready = await fetch(`${base}/api/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ error: { code: "not_ready", message: "The database does not answer." } });
      expect((await fetch(`${base}/api/health`)).status).toBe(200);
      // Other requests fail as a clean 500 that gives nothing away.
      const failing = await fetch(`${base}/api/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "a@example.com", password: "whatever it is" }),
      });
      expect(failing.status).toBe(500);
      const body = (await failing.json()) as { error: { code: string } };
      expect(body.error.code).toBe("internal_error");
      expect(JSON.stringify(body)).not.toMatch(/ECONNREFUSED|select|postgres|knex/i);
    } finally {
      server.close();
      await knex.destroy();
    }
  });
});

describe("logs", () => {
  it("never contain passwords, tokens, cookies or mailed links", async () => {
    const password = "a very secret passphrase";
    const cookie = await signUp(portal, "logged@example.com", password);
    const { token } = (await portal.request("POST", "/api/me/tokens", { cookie, body: { name: "ci" } })).json.token;
    await portal.request("GET", "/api/me", { token });
    await portal.request("POST", "/api/auth/login", { body: { email: "logged@example.com", password: "wrong but secret" } });
    await portal.request("POST", "/api/auth/password-reset", { body: { email: "logged@example.com" } });
    const resetToken = tokenFrom(await portal.smtp.waitFor((mail) => mail.subject.startsWith("Set a new")));
    await portal.request("POST", "/api/me/password", { cookie, body: { currentPassword: password, newPassword: "another secret passphrase" } });
    const confirmToken = tokenFrom(portal.smtp.mails.find((mail) => mail.to.includes("logged@example.com") && mail.subject.startsWith("Confirm"))!);

    const logs = portal.logs.join("");
    expect(logs).toContain('"path":"/api/auth/login"');
    for (const secret of [password, "wrong but secret", "another secret passphrase", token, cookie.split("=")[1]!, resetToken, confirmToken]) {
      expect(logs).not.toContain(secret);
    }
  });
});
