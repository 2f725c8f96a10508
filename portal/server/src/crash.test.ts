/**
 * A portal killed under write load (SIGKILL: an OOM kill or a node failure looks the same) and started
 * again with the same command and data directory, as a process supervisor does, on its embedded
 * PostgreSQL. The killed portal leaves its PostgreSQL running, jobs locked by its dead workers and a
 * deployment running; the restarted one stops that PostgreSQL, releases the jobs, marks the deployment
 * interrupted, and every write it acknowledged before the kill is there in the end: each sign-up answered
 * 201 has its account and its mail, each app change answered 200 is stored, and the next deployments run.
 * While the jobs wait, their rows hold neither a password hash nor a mailed token.
 */
import { chmodSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../../../test/support/temp-dir.js";
import { clearLeftoverServer, freePort } from "./db/embedded.js";
import { jsonClient, type MainPortalSetup } from "./test-support/main-portal.js";
import { startMain, waitForOutput, type Started } from "./test-support/process.js";
import { startSmtpCapture, tokenFrom, type SmtpCapture } from "./test-support/smtp.js";

const PASSWORD = "correct horse battery";
/** Load before the kill. */
const LOAD_MS = 2500;

let dataDir: string;
let base: string;
let call: MainPortalSetup["call"];
let env: Record<string, string>;
let smtp: SmtpCapture;
const portals: Started[] = [];

beforeAll(async () => {
  // A slow mail server: the kill finds mails being sent (their jobs locked) and more waiting.
  smtp = await startSmtpCapture({ delayMs: 150 });
  dataDir = tempDir("crash");
  chmodSync(dataDir, 0o755);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  call = jsonClient(base);
  // No DATABASE_URL: the embedded PostgreSQL in the data directory, as `npm start` runs on a fresh machine.
  env = { DATA_DIR: dataDir, PORT: String(port), SMTP_URL: smtp.url, BCRYPT_ROUNDS: "4", DEPLOY_ENGINE: "mock", MOCK_ENGINE_STEP_MS: "800", DEPLOY_STALE_AFTER_MS: "2000" };
});

afterAll(async () => {
  // Also when a test failed: no portal, and no PostgreSQL a killed one left, may outlive the file.
  for (const portal of portals) {
    if (portal.child.exitCode === null && portal.child.signalCode === null) {
      portal.child.kill("SIGKILL");
      await portal.exited;
    }
  }
  if (dataDir) await clearLeftoverServer(join(dataDir, "postgres", "cluster"), pino({ level: "silent" }), 10_000);
  await smtp?.close();
}, 60_000);

async function until<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function start(): Started {
  const portal = startMain(env);
  portals.push(portal);
  return portal;
}

/** A client of the data directory's PostgreSQL, whichever process runs it now (its pid file says on which port). */
async function database<T>(query: (client: pg.Client) => Promise<T>): Promise<T> {
  const port = readFileSync(join(dataDir, "postgres", "cluster", "postmaster.pid"), "utf8").split("\n")[3];
  const password = readFileSync(join(dataDir, "postgres", "password"), "utf8").trim();
  const client = new pg.Client({ host: "127.0.0.1", port: Number(port), user: "babyhelm", password, database: "babyhelm" });
  await client.connect();
  try {
    return await query(client);
  } finally {
    await client.end();
  }
}

const deployment = async (cookie: string, id: string) => (await call("GET", `/api/projects/shop/deployments/${id}`, cookie)).json.deployment;
const ended = (cookie: string, id: string) =>
  until(
    async () => {
      const found = await deployment(cookie, id);
      return ["succeeded", "failed", "cancelled"].includes(found.status) ? found : undefined;
    },
    `deployment ${id} to end`,
    90_000,
  );

describe("a portal killed under write load and started again", () => {
  it("restarts on its own data, and every acknowledged write is there in the end", async () => {
    const first = start();
    await waitForOutput(first, "portal listening", 120_000);

    // An owner with a project of one app.
    expect((await call("POST", "/api/auth/register", undefined, { email: "owner@example.com", password: PASSWORD, name: "Owner" })).status).toBe(201);
    const confirmed = await call("POST", "/api/auth/confirm", undefined, { token: tokenFrom(await smtp.waitFor((mail) => mail.to.includes("owner@example.com"), 30_000)) });
    expect(confirmed.status).toBe(200);
    const login = await call("POST", "/api/auth/login", undefined, { email: "owner@example.com", password: PASSWORD });
    const cookie = login.headers.getSetCookie()[0]!.split(";")[0]!;
    expect((await call("POST", "/api/projects", cookie, { name: "shop", quota: { cpu: "1", memory: "1Gi" } })).status).toBe(201);
    expect((await call("POST", "/api/projects/shop/apps", cookie, { name: "web", image: "nginx:1.27", port: 80 })).status).toBe(201);

    // A deployment running (the mock engine pauses 0.8 s per resource), and one queued behind it.
    const interrupted = (await call("POST", "/api/projects/shop/deployments", cookie, {})).json.deployment.id as string;
    await until(async () => ((await deployment(cookie, interrupted)).status === "running" ? true : undefined), "the first deployment to run");
    const queued = (await call("POST", "/api/projects/shop/deployments", cookie, {})).json.deployment.id as string;

    // Write load: sign-ups from three clients, app changes from a fourth; then SIGKILL in the middle of it.
    const signedUp: string[] = [];
    const changed: Record<string, string> = {};
    let killed = false;
    let attempted = 0;
    const signUps = async (client: number) => {
      for (let n = 0; !killed; n += 1) {
        const email = `user-${client}-${n}@example.com`;
        attempted += 1;
        const answer = await call("POST", "/api/auth/register", undefined, { email, password: PASSWORD, name: `User ${client}.${n}` }).catch(() => undefined);
        if (answer?.status === 201) signedUp.push(email);
        else if (answer) throw new Error(`sign-up answered ${answer.status}: ${JSON.stringify(answer.json)}`);
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
    };
    const appChanges = async () => {
      for (let n = 0; !killed; n += 1) {
        // The whole env each time (a PATCH replaces it): every acknowledged variable must stay.
        const wanted = { ...changed, [`CHANGE_${n}`]: String(n) };
        const answer = await call("PATCH", "/api/projects/shop/apps/web", cookie, { env: wanted }).catch(() => undefined);
        if (answer?.status === 200) Object.assign(changed, wanted);
        else if (answer) throw new Error(`app change answered ${answer.status}: ${JSON.stringify(answer.json)}`);
      }
    };
    const load = Promise.all([signUps(1), signUps(2), signUps(3), appChanges()]);
    await new Promise((resolve) => setTimeout(resolve, LOAD_MS));
    first.child.kill("SIGKILL");
    killed = true;
    await first.exited;
    await load;
    expect(signedUp.length).toBeGreaterThan(10);
    expect(Object.keys(changed).length).toBeGreaterThan(3);

    // The killed portal's PostgreSQL still runs, with the jobs its dead workers hold locked and those
    // waiting; not one of their rows holds a password hash, a token or an address.
    const { jobs, hashes } = await database(async (client) => ({
      jobs: (
        await client.query(
          "select task.identifier as task_identifier, job.payload::text as payload, job.locked_by from graphile_worker._private_jobs job join graphile_worker._private_tasks task on task.id = job.task_id",
        )
      ).rows as { task_identifier: string; payload: string; locked_by: string | null }[],
      hashes: (await client.query("select password_hash from users")).rows.map((row) => row.password_hash as string),
    }));
    expect(jobs.filter((job) => job.locked_by !== null).length).toBeGreaterThan(0);
    expect(jobs.some((job) => job.task_identifier === "send_email")).toBe(true);
    for (const job of jobs) {
      expect(job.payload).not.toMatch(/\$2[aby]\$|token=|@example\.com|https?:/);
      for (const hash of hashes) expect(job.payload).not.toContain(hash.slice(7));
      expect(JSON.parse(job.payload)).toEqual({ sealed: expect.stringMatching(/^v1:/) });
    }

    // The same command again.
    const second = start();
    await waitForOutput(second, "portal listening", 120_000);
    expect(second.output()).toContain("stopping the embedded PostgreSQL an earlier portal left running");
    expect(second.output()).toContain("released the jobs of job workers that died");
    expect((await fetch(`${base}/api/ready`)).status).toBe(200);

    // Every sign-up answered 201 ends with its account and its confirmation mail.
    let missing: string[] = signedUp;
    await until(
      async () => {
        const accounts = new Set(await database(async (client) => (await client.query("select email from users")).rows.map((row) => row.email as string)));
        const mailed = new Set(
          smtp.mails.filter((mail) => mail.subject === "Confirm your e-mail address for BabyHelm").flatMap((mail) => mail.to.match(/[\w.+-]+@[\w.-]+/g) ?? []),
        );
        missing = signedUp.filter((email) => !accounts.has(email) || !mailed.has(email));
        return missing.length === 0 ? true : undefined;
      },
      "every acknowledged sign-up's account and mail",
      120_000,
    ).catch(() => undefined);
    expect(missing).toEqual([]);
    // Exactly once: one account per address (a sign-up whose job ran again finds its own account).
    const accounts = await database(async (client) => (await client.query("select email, count(*)::int as count from users group by email having count(*) > 1")).rows);
    expect(accounts).toEqual([]);

    // Every app change answered 200 is stored.
    const { app } = (await call("GET", "/api/projects/shop/apps/web", cookie)).json;
    expect(app.env).toMatchObject(changed);

    // The deployment running at the kill is marked interrupted; the one queued behind it, and a new one, run.
    const afterKill = await until(async () => {
      const found = await deployment(cookie, interrupted);
      return found.status === "running" ? undefined : found;
    }, "the interrupted deployment to be marked");
    expect(afterKill.status).toBe("failed");
    expect(afterKill.error).toMatch(/^interrupted: /);
    const next = await ended(cookie, queued);
    expect(next.status, next.error).toBe("succeeded");
    const again = (await call("POST", "/api/projects/shop/deployments", cookie, {})).json.deployment.id as string;
    const last = await ended(cookie, again);
    expect(last.status, last.error).toBe("succeeded");

    second.child.kill("SIGTERM");
    expect((await second.exited).code).toBe(0);
    expect(existsSync(join(dataDir, "postgres", "cluster", "postmaster.pid"))).toBe(false);
    expect(attempted).toBeGreaterThanOrEqual(signedUp.length);
  }, 420_000);
});
