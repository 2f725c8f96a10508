/**
 * What tests of the portal as a process of its own (`startMain`, as `npm start` runs it) share: its
 * environment (own data directory, database and SMTP capture, a port known in advance), a JSON client for
 * its address, and a confirmed, logged-in user.
 */
import { chmodSync } from "node:fs";
import { freePort } from "../db/embedded.js";
import { createTestDatabase, type AnswerJson } from "./portal.js";
import { startSmtpCapture, tokenFrom, type SmtpCapture } from "./smtp.js";
import { tempDir } from "../../../../test/support/temp-dir.js";

export interface MainPortalSetup {
  env: Record<string, string>;
  base: string;
  smtp: SmtpCapture;
  call(method: string, path: string, cookie?: string, body?: unknown): Promise<{ status: number; json: AnswerJson; headers: Headers }>;
}

export async function mainPortalSetup(dataDirPrefix: string, env: Record<string, string>): Promise<MainPortalSetup> {
  const smtp = await startSmtpCapture();
  const dataDir = tempDir(dataDirPrefix.replace(/^babyhelm-|-$/g, ""));
  chmodSync(dataDir, 0o755);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  return {
    smtp,
    base,
    env: { DATA_DIR: dataDir, PORT: String(port), DATABASE_URL: await createTestDatabase(), SMTP_URL: smtp.url, BCRYPT_ROUNDS: "4", ...env },
    call: jsonClient(base),
  };
}

/** A JSON client for a portal at `base`: a session cookie if given, JSON bodies, the answer parsed. */
export function jsonClient(base: string): MainPortalSetup["call"] {
  return async (method, path, cookie, body) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { ...(cookie ? { cookie } : {}), ...(method === "GET" ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : undefined, headers: response.headers };
  };
}

/** Registers, confirms through the mailed link and logs in; returns the session cookie. */
export async function signUpOn(setup: MainPortalSetup, email: string): Promise<string> {
  await setup.call("POST", "/api/auth/register", undefined, { email, password: "correct horse battery", name: "Ops" });
  await setup.call("POST", "/api/auth/confirm", undefined, { token: tokenFrom(await setup.smtp.waitFor((mail) => mail.to.includes(email))) });
  const login = await setup.call("POST", "/api/auth/login", undefined, { email, password: "correct horse battery" });
  return login.headers.getSetCookie()[0]!.split(";")[0]!;
}
