/**
 * `npm start`: the portal on http://localhost:8080 (PORT), with an embedded PostgreSQL unless DATABASE_URL is
 * set. Configuration errors are listed and the process exits 1, as does any other start failure, its cause
 * logged. SIGTERM and SIGINT stop it in order (HTTP server, worker, database) within 5 seconds.
 */
import { ConfigError, loadConfig } from "./config.js";
import { createLogger } from "./logger.js";
import { ensureWebBuilt } from "./http/web.js";
import { startPortal } from "./server.js";

const SHUTDOWN_DEADLINE_MS = 5000;

let config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`babyhelm portal: ${error.message}\n`);
  process.exit(1);
}
const logger = createLogger(config);
try {
  // A fresh clone has no web build yet: `npm start` makes one (production deploys ship it prebuilt).
  if (config.env !== "production") await ensureWebBuilt(logger);
  const portal = await startPortal(config, logger);
  const shutdown = (signal: string) => {
    logger.info({ signal }, "shutting down");
    const deadline = setTimeout(() => {
      logger.error("shutdown took longer than 5 seconds; exiting anyway");
      portal.server.closeAllConnections();
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    portal.stop().then(
      () => process.exit(0),
      (error) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
} catch (error) {
  // The cause is what a supervisor's log shows, at every LOG_LEVEL but silent: the error's message (for the
  // embedded PostgreSQL, what PostgreSQL said), with any password in a URL blanked out.
  const message = error instanceof Error ? error.message : String(error);
  const cause = message.replace(/(\/\/[^/:@\s]*:)[^@\s]*@/g, "$1[redacted]@");
  let logged = error;
  if (error instanceof Error && cause !== message) {
    logged = Object.assign(new Error(cause), { name: error.name, stack: error.stack?.split(message).join(cause) });
  }
  logger.fatal({ err: logged }, `the portal could not start: ${cause}`);
  process.exit(1);
}
