/**
 * Background jobs on graphile-worker, in the same PostgreSQL: mail now, deployments later. Mail goes
 * through the queue so a slow or failing SMTP server never slows a request or loses a message (retries).
 */
import { Logger as WorkerLogger, makeWorkerUtils, run, type Runner, type TaskList, type WorkerUtils } from "graphile-worker";
import type { Knex } from "knex";
import pg from "pg";
import type { Logger } from "pino";
import type { Mailer } from "../mail/mailer.js";
import type { MailMessage } from "../mail/messages.js";

export const SEND_EMAIL = "send_email";

function workerLogger(logger: Logger): WorkerLogger {
  return new WorkerLogger((scope) => (level, message, meta) => {
    const method = level === "error" ? "error" : level === "warning" ? "warn" : "debug";
    // Job payloads carry mail bodies with one-time links: log the job's name, never its payload.
    logger[method]({ worker: scope.workerId, task: scope.taskIdentifier, job: scope.jobId, ...(meta?.error ? { err: meta.error } : {}) }, message);
  });
}

export interface Jobs {
  stop(): Promise<void>;
}

/**
 * Queues a mail inside the caller's transaction (graphile-worker's own SQL function), so it is sent if and
 * only if the change that asked for it commits.
 */
export async function enqueueEmail(trx: Knex.Transaction | Knex, message: MailMessage): Promise<void> {
  await trx.raw("select graphile_worker.add_job(?, ?::json, max_attempts => 10)", [SEND_EMAIL, JSON.stringify(message)]);
}

export async function startJobs(options: { connectionString: string; mailer: Mailer; logger: Logger; concurrency?: number }): Promise<Jobs> {
  const logger = workerLogger(options.logger);
  // Our own pool, so a connection the server drops (a restart, a failover) is logged instead of crashing the process.
  const pgPool = new pg.Pool({ connectionString: options.connectionString, max: (options.concurrency ?? 2) + 2 });
  pgPool.on("error", (error) => options.logger.warn({ err: error }, "job queue connection lost"));
  pgPool.on("connect", (client) => client.on("error", (error) => options.logger.warn({ err: error }, "job queue connection error")));
  const taskList: TaskList = {
    [SEND_EMAIL]: async (payload) => {
      await options.mailer.send(payload as MailMessage);
    },
  };
  const utils: WorkerUtils = await makeWorkerUtils({ pgPool, logger });
  await utils.migrate();
  const runner: Runner = await run({
    pgPool,
    concurrency: options.concurrency ?? 2,
    noHandleSignals: true,
    pollInterval: 1000,
    logger,
    taskList,
  });
  return {
    async stop() {
      await runner.stop();
      await utils.release();
      await pgPool.end();
    },
  };
}
