/**
 * Background jobs on graphile-worker, in the same PostgreSQL. Mail goes through the queue so a slow or
 * failing SMTP server never slows a request or loses a message (retries); account requests that must not
 * reveal whether an address has an account are answered at once and done here.
 */
import { Logger as WorkerLogger, makeWorkerUtils, run, type Runner, type Task, type WorkerUtils } from "graphile-worker";
import type { Knex } from "knex";
import pg from "pg";
import type { Logger } from "pino";
import type { MailMessage } from "../mail/messages.js";

export const SEND_EMAIL = "send_email";

function workerLogger(logger: Logger): WorkerLogger {
  return new WorkerLogger((scope) => (level, message, meta) => {
    const method = level === "error" ? "error" : level === "warning" ? "warn" : "debug";
    // Payloads carry mail bodies with one-time links and password hashes: log the job, never its payload.
    logger[method]({ worker: scope.workerId, task: scope.taskIdentifier, job: scope.jobId, ...(meta?.error ? { err: meta.error } : {}) }, message);
  });
}

export interface Jobs {
  /** graphile-worker's utilities on the queue's pool (e.g. to unlock the jobs of a worker that died). */
  utils: WorkerUtils;
  stop(): Promise<void>;
}

/**
 * Queues a job inside the caller's transaction (graphile-worker's own SQL function), so it runs if and only
 * if the change that asked for it commits.
 */
export async function enqueueJob(
  trx: Knex.Transaction | Knex,
  task: string,
  payload: unknown,
  options: { maxAttempts?: number; queue?: string; key?: string } = {},
): Promise<void> {
  await trx.raw("select graphile_worker.add_job(?, ?::json, queue_name => ?, max_attempts => ?, job_key => ?)", [
    task,
    JSON.stringify(payload),
    options.queue ?? null,
    options.maxAttempts ?? 10,
    options.key ?? null,
  ]);
}

export async function enqueueEmail(trx: Knex.Transaction | Knex, message: MailMessage): Promise<void> {
  await enqueueJob(trx, SEND_EMAIL, message);
}

/** Tasks that share a set of worker slots. */
export interface WorkerGroup {
  tasks: Record<string, Task>;
  concurrency: number;
}

/**
 * Starts one graphile-worker runner per group, on one pool. A runner only takes jobs of its own tasks, so a
 * group's slots are its own: deployments that run for minutes never hold up a sign-up e-mail.
 */
export async function startJobs(options: { connectionString: string; groups: WorkerGroup[]; logger: Logger }): Promise<Jobs> {
  const logger = workerLogger(options.logger);
  const slots = options.groups.reduce((total, group) => total + group.concurrency, 0);
  // Our own pool, so a connection the server drops (a restart, a failover) is logged instead of crashing the process.
  const pgPool = new pg.Pool({ connectionString: options.connectionString, max: slots + 2 });
  pgPool.on("error", (error) => options.logger.warn({ err: error }, "job queue connection lost"));
  pgPool.on("connect", (client) => client.on("error", (error) => options.logger.warn({ err: error }, "job queue connection error")));
  const utils: WorkerUtils = await makeWorkerUtils({ pgPool, logger });
  await utils.migrate();
  const runners: Runner[] = [];
  try {
    for (const group of options.groups) {
      runners.push(await run({ pgPool, concurrency: group.concurrency, noHandleSignals: true, pollInterval: 1000, logger, taskList: group.tasks }));
    }
  } catch (error) {
    await Promise.allSettled(runners.map((runner) => runner.stop()));
    await utils.release();
    await pgPool.end();
    throw error;
  }
  return {
    utils,
    async stop() {
      await Promise.all(runners.map((runner) => runner.stop()));
      await utils.release();
      await pgPool.end();
    },
  };
}
