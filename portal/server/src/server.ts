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
import { DEPLOYMENT_JOBS_SCHEMA, JOBS_SCHEMA, SEND_EMAIL, startJobs, type Jobs } from "./jobs/worker.js";
import { accountRegisterTask } from "./jobs/tasks/account-register.js";
import { accountRequestPasswordResetTask } from "./jobs/tasks/account-request-password-reset.js";
import { accountResendConfirmationTask } from "./jobs/tasks/account-resend-confirmation.js";
import { deliverWebhookTask } from "./jobs/tasks/deliver-webhook.js";
import { deployTask } from "./jobs/tasks/deploy.js";
import { sendEmailTask } from "./jobs/tasks/send-email.js";
import { DELIVER_WEBHOOK } from "./services/webhooks.js";
import { ACCOUNT_TASKS } from "./services/accounts.js";
import { createMailer } from "./mail/mailer.js";
import { listen, type Listener } from "./db/notifications.js";
import { AUTH_CHANNEL, AuthCache } from "./services/auth-cache.js";
import { DEPLOYMENT_CANCEL_CHANNEL, DEPLOYMENT_EVENTS_CHANNEL, DEPLOY_TASK } from "./deployments/channels.js";
import { releaseQueuedDeployments } from "./deployments/dead-workers.js";
import { DeploymentRunner } from "./deployments/runner.js";
import { ProjectExpiry } from "./services/project-expiry.js";
import type { Credential } from "./services/sessions.js";

/** Worker slots for mail and account requests, apart from the deployments' (`WORKER_CONCURRENCY`). */
const ACCOUNT_WORKER_CONCURRENCY = 2;

export interface RunningPortal {
  url: string;
  server: Server;
  database: Database;
  stop(): Promise<void>;
}

export async function startPortal(config: Config, logger: Logger, options: Pick<AppOptions, "throttle"> = {}): Promise<RunningPortal> {
  let embedded: EmbeddedDatabase | undefined;
  let jobs: Jobs | undefined;
  let listener: Listener | undefined;
  const databaseUrl = config.databaseUrl ?? (embedded = await startEmbeddedPostgres(config.dataDir, logger)).url;
  const knex = createKnex(databaseUrl, 10, logger);
  const database: Database = { knex, models: bindModels(knex) };
  try {
    const applied = await migrateToLatest(knex);
    if (applied.length > 0) logger.info({ migrations: applied }, "database migrated");
    const mailer = createMailer(config, logger);
    const authCache = new AuthCache<Credential>();
    const services = createServices({ config, logger, database, authCache, ...options });
    const runner = new DeploymentRunner(database, services.projects, config, logger, {
      engine: config.deploy.engine,
      mockStepMs: config.deploy.mockStepMs,
      heartbeatMs: Math.max(50, Math.floor(config.deploy.staleAfterMs / 6)),
      staleAfterMs: config.deploy.staleAfterMs,
      timeoutMs: config.deploy.timeoutMs,
    });
    listener = await listen(
      databaseUrl,
      {
        [AUTH_CHANNEL]: (userId) => {
          authCache.dropUser(userId);
          services.projects.memberships.dropUser(userId);
        },
        [DEPLOYMENT_EVENTS_CHANNEL]: (deploymentId) => services.streams.notify(deploymentId),
        [DEPLOYMENT_CANCEL_CHANNEL]: (deploymentId) => runner.cancel(deploymentId),
      },
      logger,
      // Notifications may have been missed while (re)connecting: the cache starts over, streams re-read.
      () => {
        authCache.clear();
        services.projects.memberships.clear();
        services.streams.notifyAll();
      },
    );
    jobs = await startJobs({
      connectionString: databaseUrl,
      logger,
      groups: [
        {
          schema: DEPLOYMENT_JOBS_SCHEMA,
          concurrency: config.deploy.concurrency,
          tasks: { [DEPLOY_TASK]: deployTask(runner) },
          // Running deployments have their own recovery (below): a dead worker's queued ones only.
          releaseDeadWorkers: releaseQueuedDeployments,
        },
        {
          schema: JOBS_SCHEMA,
          concurrency: ACCOUNT_WORKER_CONCURRENCY,
          tasks: {
            [SEND_EMAIL]: sendEmailTask(mailer, config.secretsKey),
            [DELIVER_WEBHOOK]: deliverWebhookTask(services.webhooks),
            [ACCOUNT_TASKS.register]: accountRegisterTask(services.accounts, config.secretsKey),
            [ACCOUNT_TASKS.resend]: accountResendConfirmationTask(services.accounts),
            [ACCOUNT_TASKS.reset]: accountRequestPasswordResetTask(services.accounts),
          },
        },
      ],
    });
    // Runs that lost their portal (killed, crashed) are found at start and then all along.
    const recover = () => runner.recover(jobs!.utils(DEPLOYMENT_JOBS_SCHEMA)).catch((error: unknown) => logger.warn({ err: error }, "recovering interrupted deployments failed"));
    await recover();
    const recovery = setInterval(recover, config.deploy.staleAfterMs);
    // Tests start many portals that never deploy: theirs warm up after their first run instead.
    if (config.env !== "test") runner.warmUp();
    services.healthAlerts.start(config.healthWatchIntervalMs);
    services.drift.start();
    services.upgrades.start();
    const expiry = new ProjectExpiry(database, services.deployments, config, logger);
    expiry.start(config.expiryCheckIntervalMs);
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
        clearInterval(recovery);
        services.streams.closeAll();
        // 1. Stop taking requests and let the ones in flight finish; keep-alive connections close as they go idle.
        await new Promise<void>((resolve) => {
          const idle = setInterval(() => server.closeIdleConnections(), 50);
          server.close(() => {
            clearInterval(idle);
            resolve();
          });
          server.closeIdleConnections();
        });
        // 2. Stop the engines this process runs (their deployments end as cancelled) and the worker;
        // 3. close the pool; 4. stop the embedded database.
        await services.healthAlerts.stop();
        await services.drift.stop();
        await services.upgrades.stop();
        await expiry.stop();
        await runner.stopAll();
        await jobs?.stop();
        await listener?.stop();
        mailer.close();
        services.metrics.close();
        await knex.destroy();
        await embedded?.stop();
        logger.info("portal stopped");
      })());
    return { url, server, database, stop };
  } catch (error) {
    await jobs?.stop().catch(() => undefined);
    await listener?.stop().catch(() => undefined);
    await knex.destroy().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    throw error;
  }
}
