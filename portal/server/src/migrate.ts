/** `npm run migrate`: applies pending migrations to DATABASE_URL (or the embedded database) and exits. */
import { ConfigError, loadConfig } from "./config.js";
import { createKnex, migrateToLatest } from "./db/database.js";
import { startEmbeddedPostgres } from "./db/embedded.js";
import { createLogger } from "./logger.js";

try {
  const config = loadConfig();
  const logger = createLogger(config);
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres(config.dataDir, logger);
  const knex = createKnex(config.databaseUrl ?? embedded!.url, 1);
  try {
    const applied = await migrateToLatest(knex);
    logger.info({ migrations: applied }, applied.length > 0 ? "migrations applied" : "the database is up to date");
  } finally {
    await knex.destroy();
    await embedded?.stop();
  }
} catch (error) {
  process.stderr.write(`babyhelm migrate: ${error instanceof ConfigError ? error.message : (error as Error).message}\n`);
  process.exit(1);
}
