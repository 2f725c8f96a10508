/**
 * The portal as `npm start` runs it: a separate process, configuration from the environment, an embedded
 * PostgreSQL in the data directory, the dev outbox, and SIGTERM.
 */
import { chmodSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { simpleParser } from "mailparser";
import { Agent, request as httpRequest } from "node:http";
import { describe, expect, it } from "vitest";
import { freePort } from "./db/embedded.js";
import { startMain, waitForOutput } from "./test-support/process.js";
import { tempDir } from "../../../test/support/temp-dir.js";

describe("the portal process", () => {
  it("lists every configuration problem and exits 1", async () => {
    const started = startMain({ PORT: "not-a-port", BCRYPT_ROUNDS: "99", SMTP_URL: "http://mail.example.com" });
    const { code } = await started.exited;
    expect(code).toBe(1);
    expect(started.output()).toContain("Invalid configuration");
    expect(started.output()).toMatch(/PORT: /);
    expect(started.output()).toMatch(/BCRYPT_ROUNDS: /);
    expect(started.output()).toMatch(/SMTP_URL: must be a URL such as smtp:/);
    expect(started.output()).not.toMatch(/\n\s+at /);
  });

  it("refuses a production start without its secrets, listing them with every other problem", async () => {
    const started = startMain({ NODE_ENV: "production", PORT: "abc", DATA_DIR: tempDir("prod") });
    expect((await started.exited).code).toBe(1);
    expect(started.output()).toContain("PORT: must be a port number");
    for (const name of ["SESSION_SECRET", "SECRETS_KEY", "PUBLIC_URL", "DATABASE_URL", "SMTP_URL", "PULUMI_CONFIG_PASSPHRASE"]) {
      expect(started.output()).toContain(`${name}: is required in production`);
    }
  });

  it("starts with an embedded PostgreSQL and the dev outbox, stops on SIGTERM in time, and reuses its data on the next start", async () => {
    const dataDir = tempDir("main");
    chmodSync(dataDir, 0o755);
    const port = await freePort();
    const env = { DATA_DIR: dataDir, PORT: String(port), BCRYPT_ROUNDS: "4", LOG_LEVEL: "info" };
    const base = `http://127.0.0.1:${port}`;

    const first = startMain(env);
    await waitForOutput(first, "portal listening");
    expect(first.output()).toContain("creating the embedded PostgreSQL cluster");
    expect((await fetch(`${base}/api/ready`)).status).toBe(200);
    const body = JSON.stringify({ email: "dev@example.com", password: "correct horse battery", name: "Dev" });
    expect((await fetch(`${base}/api/auth/register`, { method: "POST", headers: { "content-type": "application/json" }, body })).status).toBe(201);
    await waitForOutput(first, "mail written to the dev outbox");
    const [eml] = readdirSync(join(dataDir, "outbox"));
    const mail = await simpleParser(readFileSync(join(dataDir, "outbox", eml!)));
    expect(mail.subject).toBe("Confirm your e-mail address for BabyHelm");
    expect(mail.text).toMatch(/http:\/\/localhost:\d+\/confirm-email\?token=[\w-]{43}/);
    expect(first.output()).toMatch(/"links":\["http:\/\/localhost:\d+\/confirm-email\?token=/);

    first.child.kill("SIGTERM");
    const stopped = await first.exited;
    expect(stopped.code).toBe(0);
    expect(stopped.ms).toBeLessThan(5000);
    expect(first.output()).toContain("portal stopped");

    const second = startMain(env);
    await waitForOutput(second, "portal listening");
    expect(second.output()).not.toContain("creating the embedded PostgreSQL cluster");
    const credentials = JSON.stringify({ email: "dev@example.com", password: "correct horse battery" });
    const login = await fetch(`${base}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: credentials });
    expect(((await login.json()) as { error: { code: string } }).error.code).toBe("email_not_confirmed");
    second.child.kill("SIGINT");
    expect((await second.exited).code).toBe(0);
  }, 120_000);

  it("finishes a request in flight on SIGTERM and closes keep-alive connections, within 5 seconds", async () => {
    const dataDir = tempDir("keepalive");
    chmodSync(dataDir, 0o755);
    const port = await freePort();
    // A slow bcrypt keeps the sign-up in flight while the signal arrives.
    const started = startMain({ DATA_DIR: dataDir, PORT: String(port), BCRYPT_ROUNDS: "13" });
    await waitForOutput(started, "portal listening");
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const send = (method: string, path: string, body?: string) =>
      new Promise<{ status: number; connection?: string }>((resolve, reject) => {
        const request = httpRequest({ host: "127.0.0.1", port, method, path, agent, headers: { "content-type": "application/json" } }, (response) => {
          response.resume();
          response.on("end", () => resolve({ status: response.statusCode!, connection: response.headers.connection }));
        });
        request.on("error", reject);
        request.end(body);
      });
    expect((await send("GET", "/api/health")).status).toBe(200);
    const inFlight = send("POST", "/api/auth/register", JSON.stringify({ email: "slow@example.com", password: "correct horse battery", name: "Slow" }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    started.child.kill("SIGTERM");
    const answered = await inFlight;
    expect(answered).toEqual({ status: 201, connection: "close" });
    const stopped = await started.exited;
    agent.destroy();
    expect(stopped.code).toBe(0);
    expect(stopped.ms).toBeLessThan(5000);
  }, 120_000);
});
