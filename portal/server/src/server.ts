/**
 * The portal's lifecycle: database (embedded or DATABASE_URL) -> migrations -> job worker -> HTTP server,
 * and the reverse, in order, on stop.
 */
import { createServer, type Server } from "node:http";
import type { Logger } from "pino";
import { createApp, createServices, type AppOptions } from "./app.js";
import type { Config } from "./config.js";
import { bindModels, createKnex, migrateToLatest, type Database } from "./db/database.js";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "./db/embedded.js";
import { SEND_EMAIL, startJobs, type Jobs } from "./jobs/worker.js";
import type { MailMessage } from "./mail/messages.js";
import { ACCOUNT_TASKS } from "./services/accounts.js";
import { createMailer } from "./mail/mailer.js";
import { AuthCache, listenForAuthChanges } from "./services/auth-cache.js";
import type { Credential } from "./services/sessions.js";

export interface RunningPortal {
  url: string;
  server: Server;
  database: Database;
  stop(): Promise<void>;
}

export async function startPortal(config: Config, logger: Logger, options: Pick<AppOptions, "throttle"> = {}): Promise<RunningPortal> {
  let embedded: EmbeddedDatabase | undefined;
  let jobs: Jobs | undefined;
  let authListener: { stop(): Promise<void> } | undefined;
  const databaseUrl = config.databaseUrl ?? (embedded = await startEmbeddedPostgres(config.dataDir, logger)).url;
  const knex = createKnex(databaseUrl, 10, logger);
  const database: Database = { knex, models: bindModels(knex) };
  try {
    const applied = await migrateToLatest(knex);
    if (applied.length > 0) logger.info({ migrations: applied }, "database migrated");
    const mailer = createMailer(config, logger);
    const authCache = new AuthCache<Credential>();
    authListener = await listenForAuthChanges(databaseUrl, authCache, logger);
    const services = createServices({ config, logger, database, authCache, ...options });
    jobs = await startJobs({
      connectionString: databaseUrl,
      logger,
      tasks: {
        [SEND_EMAIL]: async (payload) => mailer.send(payload as MailMessage),
        [ACCOUNT_TASKS.register]: async (payload) => services.accounts.completeRegistration(payload as Parameters<typeof services.accounts.completeRegistration>[0]),
        [ACCOUNT_TASKS.resend]: async (payload) => services.accounts.completeResend(payload as { email: string }),
        [ACCOUNT_TASKS.reset]: async (payload) => services.accounts.completePasswordResetRequest(payload as { email: string }),
      },
    });
    let stopping = false;
    const app = createApp({ config, logger, database, services, isStopping: () => stopping });
    const server = createServer(app.callback());
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(config.port, config.host, () => resolve());
    });
    const { port } = server.address() as { port: number };
    const url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
    logger.info({ url, publicUrl: config.publicUrl }, "portal listening");

    let stopped: Promise<void> | undefined;
    const stop = () =>
      (stopped ??= (async () => {
        stopping = true;
        // 1. Stop taking requests and let the ones in flight finish; keep-alive connections close as they go idle.
        await new Promise<void>((resolve) => {
          const idle = setInterval(() => server.closeIdleConnections(), 50);
          server.close(() => {
            clearInterval(idle);
            resolve();
          });
          server.closeIdleConnections();
        });
        // 2. Let the worker finish its current jobs; 3. close the pool; 4. stop the embedded database.
        await jobs?.stop();
        await authListener?.stop();
        mailer.close();
        await knex.destroy();
        await embedded?.stop();
        logger.info("portal stopped");
      })());
    return { url, server, database, stop };
  } catch (error) {
    await jobs?.stop().catch(() => undefined);
    await authListener?.stop().catch(() => undefined);
    await knex.destroy().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    throw error;
  }
}
