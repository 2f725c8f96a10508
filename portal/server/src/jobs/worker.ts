/**
 * Background jobs on graphile-worker, in the same PostgreSQL. Mail goes through the queue so a slow or
 * failing SMTP server never slows a request or loses a message (retries); account requests that must not
 * reveal whether an address has an account are answered at once and done here. Jobs a dead worker held
 * are released (worker-registry.ts), and a queued payload holds no usable secret (sealed.ts).
 */
import { EventEmitter } from "node:events";
import { Logger as WorkerLogger, makeWorkerUtils, run, type Runner, type TaskList, type WorkerEvents, type WorkerUtils } from "graphile-worker";
import type { Knex } from "knex";
import pg from "pg";
import type { Logger } from "pino";
import type { MailMessage } from "../mail/messages.js";
import { seal } from "./sealed.js";
import { unlockEverything, WorkerRegistry, type ReleaseDeadWorkers } from "./worker-registry.js";

/** The task that sends a queued mail (tasks/send-email.ts). */
export const SEND_EMAIL = "send_email";

/** Mail and account requests. */
export const JOBS_SCHEMA = "graphile_worker";
/**
 * Deployments, in a job queue of their own: their slots never run mail, and no mail worker's job lookup
 * (which locks every named queue for a moment) can make a deployment worker miss a project's queue.
 */
export const DEPLOYMENT_JOBS_SCHEMA = "graphile_worker_deployments";

function workerLogger(logger: Logger): WorkerLogger {
  return new WorkerLogger((scope) => (level, message, meta) => {
    const method = level === "error" ? "error" : level === "warning" ? "warn" : "debug";
    // Payloads hold addresses (and sealed mails and hashes): log the job, never its payload.
    logger[method]({ worker: scope.workerId, task: scope.taskIdentifier, job: scope.jobId, ...(meta?.error ? { err: meta.error } : {}) }, message);
  });
}

export interface Jobs {
  /** graphile-worker's utilities per job schema (e.g. to unlock the jobs of a worker that died). */
  utils(schema: string): WorkerUtils;
  stop(): Promise<void>;
}

/**
 * Queues a job inside the caller's transaction (graphile-worker's own SQL function), so it runs if and only
 * if the change that asked for it commits. `task` is one of graphile-worker's task map
 * (`GraphileWorker.Tasks`, declared by each file in tasks/), and `payload` is what that task takes.
 */
export async function enqueueJob<Name extends keyof GraphileWorker.Tasks>(
  trx: Knex.Transaction | Knex,
  task: Name,
  payload: GraphileWorker.Tasks[Name],
  options: { maxAttempts?: number; queue?: string; key?: string; schema?: string } = {},
): Promise<void> {
  await trx.raw("select ??.add_job(?, ?::json, queue_name => ?, max_attempts => ?, job_key => ?)", [
    options.schema ?? JOBS_SCHEMA,
    task,
    JSON.stringify(payload),
    options.queue ?? null,
    options.maxAttempts ?? 10,
    options.key ?? null,
  ]);
}

/** Queues a mail, sealed with SECRETS_KEY: its links (one-time tokens) and its address are no one's to read in the queue. */
export async function enqueueEmail(trx: Knex.Transaction | Knex, message: MailMessage, secretsKey: Buffer): Promise<void> {
  await enqueueJob(trx, SEND_EMAIL, seal(secretsKey, SEND_EMAIL, message));
}

/** Tasks that share a set of worker slots, and the job schema (queue) they take their jobs from. */
export interface WorkerGroup {
  schema: string;
  /** Task name -> executor (tasks/), each typed by its payload in the task map. */
  tasks: TaskList;
  concurrency: number;
  /** How the jobs of this group's dead workers are released; default: all unlocked. */
  releaseDeadWorkers?: ReleaseDeadWorkers;
}

/** Starts one graphile-worker runner per group, on one pool: a group's slots and jobs are its own. */
export async function startJobs(options: { connectionString: string; groups: WorkerGroup[]; logger: Logger }): Promise<Jobs> {
  const logger = workerLogger(options.logger);
  const slots = options.groups.reduce((total, group) => total + group.concurrency, 0);
  // Our own pool, so a connection the server drops (a restart, a failover) is logged instead of crashing the process.
  const pgPool = new pg.Pool({ connectionString: options.connectionString, max: slots + 2 * options.groups.length + 1 });
  pgPool.on("error", (error) => options.logger.warn({ err: error }, "job queue connection lost"));
  pgPool.on("connect", (client) => client.on("error", (error) => options.logger.warn({ err: error }, "job queue connection error")));
  const utils = new Map<string, WorkerUtils>();
  const runners: Runner[] = [];
  const registry = new WorkerRegistry(pgPool, options.logger);
  let stopping = false;
  const release = async () => {
    stopping = true;
    await Promise.allSettled(runners.map((runner) => runner.stop()));
    await registry.stop().catch((error: unknown) => options.logger.warn({ err: error }, "unregistering the job workers failed"));
    await Promise.allSettled([...utils.values()].map((schemaUtils) => schemaUtils.release()));
    await pgPool.end();
  };
  try {
    // Every schema is migrated before any runner starts: a breaking migration is announced on a channel
    // all schemas share, and a running worker that hears it shuts itself down.
    for (const group of options.groups) {
      const schemaUtils = await makeWorkerUtils({ pgPool, logger, schema: group.schema });
      utils.set(group.schema, schemaUtils);
      await schemaUtils.migrate();
      registry.watch(group.schema, group.releaseDeadWorkers ?? unlockEverything);
    }
    // Before this process's own workers look for jobs: what its dead predecessors held is theirs to take.
    // (Should this fail, the periodic release tries again.)
    await registry.releaseDeadWorkers().catch((error: unknown) => options.logger.warn({ err: error }, "releasing the jobs of dead job workers failed"));
    for (const group of options.groups) {
      // The pool's id is what graphile-worker writes into `locked_by` of every job it takes.
      const events: WorkerEvents = new EventEmitter();
      const pools: string[] = [];
      events.on("pool:create", ({ workerPool }) => pools.push(workerPool.id));
      const runner = await run({ pgPool, schema: group.schema, concurrency: group.concurrency, noHandleSignals: true, pollInterval: 1000, logger, taskList: group.tasks, events });
      runners.push(runner);
      for (const id of pools) await registry.register(id, group.schema);
      // A worker that stops by itself (e.g. a newer portal migrated the queue) takes no more jobs: say so loudly.
      runner.promise.then(
        () => stopping || options.logger.error({ schema: group.schema }, "job worker stopped by itself; restart the portal"),
        (error: unknown) => stopping || options.logger.error({ err: error, schema: group.schema }, "job worker failed; restart the portal"),
      );
    }
    registry.startTimers();
  } catch (error) {
    await release();
    throw error;
  }
  return {
    utils(schema) {
      const found = utils.get(schema);
      if (!found) throw new Error(`no job worker for schema ${schema}`);
      return found;
    },
    stop: release,
  };
}
