/**
 * The embedded PostgreSQL after a crash: a server left running by a killed portal is stopped and the
 * data directory starts again; a stale pid file is removed, a stranger's process never signalled; a
 * server whose portal still runs is refused; a failed start says why, in PostgreSQL's words.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync, chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import pg from "pg";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../../../../test/support/temp-dir.js";
import { inspectProcess } from "../os/processes.js";
import { startMain } from "../test-support/process.js";
import { pidFileOwner, startEmbeddedPostgres, type EmbeddedDatabase } from "./embedded.js";

const EMBEDDED_MODULE = join(import.meta.dirname, "embedded.ts");

let dataDir: string;
let clusterDir: string;
const children: ChildProcess[] = [];
const running: EmbeddedDatabase[] = [];

function capture(): { logger: pino.Logger; lines: () => string } {
  let text = "";
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += chunk;
      done();
    },
  });
  return { logger: pino({ level: "info" }, stream), lines: () => text };
}

async function started(dir = dataDir, logger = capture().logger): Promise<EmbeddedDatabase> {
  const database = await startEmbeddedPostgres(dir, logger);
  running.push(database);
  return database;
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query("select 1 as one")).rows[0].one === 1;
  } finally {
    await client.end();
  }
}

const postmasterPid = () => Number(readFileSync(join(clusterDir, "postmaster.pid"), "utf8").split("\n")[0]);

async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !check();) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A process of its own that starts the embedded PostgreSQL on `dataDir`, as a portal does. */
async function portalLike(): Promise<ChildProcess> {
  const script = `
    const { startEmbeddedPostgres } = await import(${JSON.stringify(EMBEDDED_MODULE)});
    const { default: pino } = await import("pino");
    await startEmbeddedPostgres(${JSON.stringify(dataDir)}, pino({ level: "silent" }));
    console.log("started");
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("started") && resolve());
    child.once("exit", (code) => reject(new Error(`the portal-like process exited with ${code}`)));
  });
  return child;
}

beforeAll(async () => {
  dataDir = tempDir("embedded");
  chmodSync(dataDir, 0o755);
  clusterDir = join(dataDir, "postgres", "cluster");
  // The cluster once, for every test below.
  await (await started()).stop();
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  for (const database of running) await database.stop().catch(() => undefined);
  // A server a test left running on its own (its portal killed) goes too.
  if (existsSync(join(clusterDir, "postmaster.pid"))) {
    const pid = postmasterPid();
    if (pidFileOwner(clusterDir).owner === "left-over") process.kill(pid, "SIGINT");
    await until(() => !inspectProcess(pid).alive, "the left-over server to stop").catch(() => undefined);
  }
});

describe("starting the embedded PostgreSQL", () => {
  it("stops a server a killed portal left running on its data directory, and starts its own", async () => {
    const portal = await portalLike();
    const leftOver = postmasterPid();
    portal.kill("SIGKILL");
    await until(() => portal.exitCode !== null || portal.signalCode !== null, "the portal to die");
    // Its PostgreSQL survives it.
    expect(inspectProcess(leftOver).alive).toBe(true);
    expect(pidFileOwner(clusterDir).owner).toBe("left-over");

    const { logger, lines } = capture();
    const database = await started(dataDir, logger);
    expect(inspectProcess(leftOver).alive).toBe(false);
    expect(postmasterPid()).not.toBe(leftOver);
    expect(await answers(database.url)).toBe(true);
    expect(lines()).toContain("stopping the embedded PostgreSQL an earlier portal left running");
    await database.stop();
  }, 90_000);

  it("refuses a data directory whose server belongs to a portal that still runs, and leaves that server alone", async () => {
    const first = await started();
    const pid = postmasterPid();
    await expect(startEmbeddedPostgres(dataDir, capture().logger)).rejects.toThrow(/belongs to another portal that still runs/);
    expect(inspectProcess(pid).alive).toBe(true);
    expect(await answers(first.url)).toBe(true);
    await first.stop();
  }, 60_000);

  it("removes the pid file of a server that no longer runs", async () => {
    const gone = spawn("true");
    await new Promise((resolve) => gone.once("exit", resolve));
    writeFileSync(join(clusterDir, "postmaster.pid"), `${gone.pid}\n${clusterDir}\n1\n5432\n\n127.0.0.1\n  1 1\nready\n`);
    const { logger, lines } = capture();
    const database = await started(dataDir, logger);
    expect(lines()).toContain("removed the pid file of an embedded PostgreSQL that no longer runs");
    expect(await answers(database.url)).toBe(true);
    await database.stop();
  }, 60_000);

  it("never signals a stranger whose pid a stale pid file names", async () => {
    const stranger = spawn("sleep", ["60"]);
    children.push(stranger);
    writeFileSync(join(clusterDir, "postmaster.pid"), `${stranger.pid}\n${clusterDir}\n1\n5432\n\n127.0.0.1\n  1 1\nready\n`);
    const { logger, lines } = capture();
    const database = await started(dataDir, logger);
    expect(lines()).toContain("removed a stale PostgreSQL pid file");
    expect(inspectProcess(stranger.pid!).alive).toBe(true);
    expect(stranger.signalCode).toBeNull();
    expect(await answers(database.url)).toBe(true);
    await database.stop();
    stranger.kill("SIGKILL");
  }, 60_000);

  it("says why a start failed, in PostgreSQL's words: in its error, and in the portal's log at the default level", async () => {
    appendFileSync(join(clusterDir, "postgresql.auto.conf"), "\nshared_buffers = 'lots'\n");
    await expect(startEmbeddedPostgres(dataDir, capture().logger)).rejects.toThrow(/did not start: .*invalid value for parameter "shared_buffers": "lots"/);

    const portal = startMain({ DATA_DIR: dataDir, PORT: "0", BCRYPT_ROUNDS: "4" });
    children.push(portal.child);
    expect((await portal.exited).code).toBe(1);
    expect(portal.output()).toMatch(
      /"level":60,.*"msg":"the portal could not start: the embedded PostgreSQL in \S+ did not start: .*invalid value for parameter \\"shared_buffers\\": \\"lots\\"/,
    );
    const password = readFileSync(join(dataDir, "postgres", "password"), "utf8").trim();
    expect(portal.output()).not.toContain(password);
  }, 90_000);
});
