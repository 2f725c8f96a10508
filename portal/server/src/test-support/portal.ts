/**
 * A whole portal for a test: its own database in the test run's PostgreSQL, a real SMTP capture, the real
 * server on a free port, and its log lines kept for inspection.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import pg from "pg";
import { inject } from "vitest";
import { loadConfig, type Config } from "../config.js";
import { createLogger } from "../logger.js";
import { startPortal, type RunningPortal } from "../server.js";
import type { ThrottleLimits } from "../services/login-throttle.js";
import { checkAnswer } from "./openapi-check.js";
import { startSmtpCapture, type SmtpCapture } from "./smtp.js";

export async function createTestDatabase(): Promise<string> {
  const adminUrl = inject("postgresUrl");
  const name = `test_${randomBytes(6).toString("hex")}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * A JSON answer as a spec reads it: whatever the API answered (held against the OpenAPI document on arrival
 * when it comes through `request`), read freely and checked by `expect`. `any` on purpose: as `unknown` each
 * of the specs' ~270 reads would need a cast of its own.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export type AnswerJson = any;

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  json: AnswerJson;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as is, with `contentType` (default application/json). */
  rawBody?: string | Buffer;
  /** Default application/json for anything but GET; "" sends none. */
  contentType?: string;
  cookie?: string;
  token?: string;
  headers?: Record<string, string>;
}

export interface TestPortal {
  url: string;
  config: Config;
  portal: RunningPortal;
  smtp: SmtpCapture;
  logs: string[];
  request(method: string, path: string, options?: RequestOptions): Promise<ApiResponse>;
  /** Stops it and removes the data dir this helper made, unless `keepDataDir` (the next portal starts on it). */
  stop(options?: { keepDataDir?: boolean }): Promise<void>;
}

/** The `name=value` of a Set-Cookie header, for sending back. */
export function sessionCookieFrom(response: ApiResponse): string | undefined {
  const header = response.headers.getSetCookie().find((cookie) => cookie.startsWith("bh_session="));
  return header?.split(";")[0];
}

/** Data dirs this helper made and no portal has removed yet: the last portal to stop on one removes it. */
const createdDataDirs = new Set<string>();

export async function startTestPortal(options: { env?: Record<string, string>; throttle?: ThrottleLimits } = {}): Promise<TestPortal> {
  const smtp = await startSmtpCapture();
  // A test that names DATA_DIR (a portal restarted on the data of one it stopped) gets no new one.
  const dataDir = options.env?.DATA_DIR ?? mkdtempSync(join(tmpdir(), "babyhelm-portal-"));
  if (!options.env?.DATA_DIR) createdDataDirs.add(dataDir);
  const config = loadConfig({
    NODE_ENV: "test",
    DATA_DIR: dataDir,
    DATABASE_URL: await createTestDatabase(),
    SMTP_URL: smtp.url,
    PORT: "0",
    HOST: "127.0.0.1",
    PUBLIC_URL: "http://portal.test",
    BCRYPT_ROUNDS: "4",
    LOG_LEVEL: "debug",
    ...options.env,
  });
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      logs.push(chunk.toString());
      callback();
    },
  });
  let portal: RunningPortal;
  try {
    portal = await startPortal(config, createLogger(config, destination), { throttle: options.throttle });
  } catch (error) {
    // A portal that could not start leaves nothing behind either.
    await smtp.close();
    if (createdDataDirs.delete(dataDir)) rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const request = async (method: string, path: string, requestOptions: RequestOptions = {}): Promise<ApiResponse> => {
    const headers: Record<string, string> = { ...requestOptions.headers };
    let body: string | Uint8Array<ArrayBuffer> | undefined;
    if (requestOptions.rawBody !== undefined) {
      const raw = requestOptions.rawBody;
      body = typeof raw === "string" ? raw : Uint8Array.from(raw);
      headers["content-type"] = requestOptions.contentType ?? "application/json";
    } else if (requestOptions.body !== undefined) {
      body = JSON.stringify(requestOptions.body);
      headers["content-type"] = requestOptions.contentType ?? "application/json";
    } else if (method !== "GET" && method !== "HEAD" && requestOptions.contentType !== "") {
      // Like the web app: every state-changing request declares JSON, with or without a body.
      headers["content-type"] = requestOptions.contentType ?? "application/json";
    }
    if (requestOptions.cookie) headers.cookie = requestOptions.cookie;
    if (requestOptions.token) headers.authorization = `Bearer ${requestOptions.token}`;
    const response = await fetch(`${portal.url}${path}`, { method, headers, body });
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    // Every answer a test sees is held against the OpenAPI document.
    checkAnswer({ method, path, status: response.status, contentType: response.headers.get("content-type") ?? "", json });
    return { status: response.status, headers: response.headers, text, json };
  };
  return {
    url: portal.url,
    config,
    portal,
    smtp,
    logs,
    request,
    async stop(stopOptions = {}) {
      await portal.stop();
      await smtp.close();
      if (!stopOptions.keepDataDir && createdDataDirs.delete(config.dataDir)) rmSync(config.dataDir, { recursive: true, force: true });
    },
  };
}

/** Registers, confirms through the mailed link and logs in; returns the session cookie. */
export async function signUp(portal: TestPortal, email: string, password = "correct horse battery", name = "Test User"): Promise<string> {
  const registered = await portal.request("POST", "/api/auth/register", { body: { email, password, name } });
  if (registered.status !== 201) throw new Error(`register answered ${registered.status}: ${registered.text}`);
  const mail = await portal.smtp.waitFor((candidate) => candidate.to.includes(email) && candidate.subject.startsWith("Confirm"));
  const token = /[?&]token=([\w-]+)/.exec(mail.text)![1]!;
  const confirmed = await portal.request("POST", "/api/auth/confirm", { body: { token } });
  if (confirmed.status !== 200) throw new Error(`confirm answered ${confirmed.status}: ${confirmed.text}`);
  const login = await portal.request("POST", "/api/auth/login", { body: { email, password } });
  if (login.status !== 200) throw new Error(`login answered ${login.status}: ${login.text}`);
  return sessionCookieFrom(login)!;
}
