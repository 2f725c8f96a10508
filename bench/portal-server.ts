/**
 * The servers `npm run bench` loads, in a process of their own so the load generator does not share their
 * event loop: the real portal (embedded PostgreSQL, default bcrypt cost) and a bare Koa app that returns
 * the same JSON as GET /api/me, as the baseline. Prints their addresses as one JSON line.
 * A DATA_DIR in BENCH_PORTAL_ENV is the caller's: kept at exit, so a restarted portal finds its database,
 * Pulumi state and bench user again (the drift bench restarts its portal with other settings).
 */
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Koa from "koa";
import { loadConfig } from "../portal/server/src/config.js";
import { createLogger } from "../portal/server/src/logger.js";
import { startPortal } from "../portal/server/src/server.js";
import { Passwords } from "../portal/server/src/services/passwords.js";

const benchEnv = JSON.parse(process.env.BENCH_PORTAL_ENV ?? "{}") as Record<string, string>;
const ownDataDir = benchEnv.DATA_DIR === undefined;
const dataDir = benchEnv.DATA_DIR ?? mkdtempSync(join(tmpdir(), "babyhelm-bench-"));
chmodSync(dataDir, 0o755);
const config = loadConfig({
  NODE_ENV: "test",
  DATA_DIR: dataDir,
  PORT: "0",
  HOST: "127.0.0.1",
  LOG_LEVEL: "silent",
  DEPLOY_ENGINE: "mock",
  ...benchEnv,
});
const portal = await startPortal(config, createLogger(config), { throttle: { windowMs: 1000, perEmail: 1_000_000, perIp: 1_000_000 } });

const email = "bench@example.com";
const password = "correct horse battery";
const passwordHash = await new Passwords(config.bcryptRounds).hash(password);
const user =
  (await portal.database.knex("users").where({ email }).first()) ??
  (await portal.database.knex("users").insert({ email, name: "Bench", passwordHash, emailConfirmedAt: new Date(), isAdmin: true }).returning("*"))[0];

const bare = new Koa();
// Exactly the JSON of GET /api/me, built the fastest way: once, with the date already a string.
const body = { user: { id: user.id, email, name: "Bench", emailConfirmed: true, isAdmin: true, createdAt: (user.createdAt as Date).toISOString() } };
bare.use((ctx) => {
  ctx.body = body;
});
const bareServer = createServer(bare.callback()).listen(0, "127.0.0.1");
await new Promise((resolve) => bareServer.once("listening", resolve));

const databaseUrl = (portal.database.knex.client.config.connection as { connectionString: string }).connectionString;
console.log(
  JSON.stringify({
    portal: portal.url,
    bare: `http://127.0.0.1:${(bareServer.address() as { port: number }).port}`,
    email,
    password,
    bcryptRounds: config.bcryptRounds,
    databaseUrl,
  }),
);
process.on("SIGTERM", async () => {
  bareServer.close();
  await portal.stop();
  if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
});
