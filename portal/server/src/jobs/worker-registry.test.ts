/**
 * Jobs that dead workers hold, against real PostgreSQL and graphile-worker's own schema: which are
 * released, which stay (live workers', and running deployments, which their recovery ends), and that a
 * portal's job runner releases its dead predecessors' jobs when it starts, registers its own workers and
 * unregisters them when it stops.
 */
import { spawnSync } from "node:child_process";
import { makeWorkerUtils } from "graphile-worker";
import type { Knex } from "knex";
import pg from "pg";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKnex, migrateToLatest } from "../db/database.js";
import { DEPLOY_TASK, deploymentJobKey, projectQueue } from "../deployments/channels.js";
import { releaseQueuedDeployments } from "../deployments/dead-workers.js";
import { ownStartTicks, processSpace } from "../os/processes.js";
import { createTestDatabase } from "../test-support/portal.js";
import { DEPLOYMENT_JOBS_SCHEMA, JOBS_SCHEMA, startJobs } from "./worker.js";
import { WorkerRegistry } from "./worker-registry.js";

const logger = pino({ level: "silent" });
let knex: Knex;
let pool: pg.Pool;
let url: string;

beforeAll(async () => {
  url = await createTestDatabase();
  knex = createKnex(url, 2);
  await migrateToLatest(knex);
  pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on("error", () => undefined);
  pool.on("connect", (client) => client.on("error", () => undefined));
  for (const schema of [JOBS_SCHEMA, DEPLOYMENT_JOBS_SCHEMA]) {
    const utils = await makeWorkerUtils({ pgPool: pool, schema });
    await utils.migrate();
    await utils.release();
  }
});
afterAll(async () => {
  await pool?.end();
  await knex?.destroy();
});

/** A pid that no process has any more (one that just exited, reaped). */
function deadPid(): number {
  return spawnSync("true").pid!;
}

async function addJob(schema: string, task: string, options: { key?: string; queue?: string; maxAttempts?: number } = {}): Promise<string> {
  const { rows } = await pool.query(`select id from ${schema}.add_job($1, '{}'::json, queue_name => $2, max_attempts => $3, job_key => $4)`, [
    task,
    options.queue ?? null,
    options.maxAttempts ?? 5,
    options.key ?? null,
  ]);
  return String(rows[0].id);
}

/** What graphile-worker does when a worker takes a job: locks it (and its queue), spends an attempt. */
async function lock(schema: string, jobId: string, workerId: string, lockedSecondsAgo = 1): Promise<void> {
  await pool.query(`update ${schema}._private_jobs set locked_by = $2, locked_at = now() - make_interval(secs => $3), attempts = attempts + 1 where id = $1`, [
    jobId,
    workerId,
    lockedSecondsAgo,
  ]);
  await pool.query(`update ${schema}._private_job_queues set locked_by = $2, locked_at = now() where id = (select job_queue_id from ${schema}._private_jobs where id = $1)`, [
    jobId,
    workerId,
  ]);
}

async function job(schema: string, jobId: string): Promise<{ locked_by: string | null; attempts: number; queue_locked_by: string | null }> {
  const { rows } = await pool.query(
    `select job.locked_by, job.attempts, queue.locked_by as queue_locked_by from ${schema}._private_jobs job left join ${schema}._private_job_queues queue on queue.id = job.job_queue_id where job.id = $1`,
    [jobId],
  );
  return rows[0];
}

async function registerWorker(workerId: string, row: { space?: string | null; pid?: number; start?: string | null; heartbeatSecondsAgo?: number; schema?: string }): Promise<void> {
  await pool.query(
    `insert into job_workers (worker_id, job_schema, process_space, pid, process_start, heartbeat_at) values ($1, $2, $3, $4, $5, now() - make_interval(secs => $6))`,
    [
      workerId,
      row.schema ?? JOBS_SCHEMA,
      row.space === undefined ? processSpace() : row.space,
      row.pid ?? process.pid,
      row.start === undefined ? ownStartTicks() : row.start,
      row.heartbeatSecondsAgo ?? 0,
    ],
  );
}

describe("releasing the jobs of dead job workers", () => {
  it("unlocks what dead workers hold and leaves live workers' jobs locked", async () => {
    const jobs = {
      // A portal in this pid space that is gone (killed): known at once.
      gone: await addJob(JOBS_SCHEMA, "send_email"),
      // This very process runs it (as another portal would): alive.
      alive: await addJob(JOBS_SCHEMA, "send_email"),
      // Another machine, heartbeat fresh: alive; heartbeat stale: dead.
      remoteFresh: await addJob(JOBS_SCHEMA, "send_email"),
      remoteStale: await addJob(JOBS_SCHEMA, "send_email"),
      // Never registered: dead once its lock is older than the stale bound.
      unregisteredOld: await addJob(JOBS_SCHEMA, "send_email"),
      unregisteredNew: await addJob(JOBS_SCHEMA, "send_email"),
    };
    await registerWorker("pool-gone", { pid: deadPid(), start: "1" });
    await registerWorker("pool-alive", {});
    await registerWorker("pool-remote-fresh", { space: "elsewhere/boot/pid:[1]", pid: 1 });
    await registerWorker("pool-remote-stale", { space: "elsewhere/boot/pid:[1]", pid: 1, heartbeatSecondsAgo: 120 });
    await lock(JOBS_SCHEMA, jobs.gone, "pool-gone");
    await lock(JOBS_SCHEMA, jobs.alive, "pool-alive");
    await lock(JOBS_SCHEMA, jobs.remoteFresh, "pool-remote-fresh");
    await lock(JOBS_SCHEMA, jobs.remoteStale, "pool-remote-stale");
    await lock(JOBS_SCHEMA, jobs.unregisteredOld, "pool-unregistered-old", 120);
    await lock(JOBS_SCHEMA, jobs.unregisteredNew, "pool-unregistered-new", 1);

    const registry = new WorkerRegistry(pool, logger, { staleAfterMs: 60_000 });
    registry.watch(JOBS_SCHEMA);
    expect(await registry.releaseDeadWorkers()).toEqual({ [JOBS_SCHEMA]: 3 });

    expect((await job(JOBS_SCHEMA, jobs.gone)).locked_by).toBeNull();
    expect((await job(JOBS_SCHEMA, jobs.remoteStale)).locked_by).toBeNull();
    expect((await job(JOBS_SCHEMA, jobs.unregisteredOld)).locked_by).toBeNull();
    expect((await job(JOBS_SCHEMA, jobs.alive)).locked_by).toBe("pool-alive");
    expect((await job(JOBS_SCHEMA, jobs.remoteFresh)).locked_by).toBe("pool-remote-fresh");
    expect((await job(JOBS_SCHEMA, jobs.unregisteredNew)).locked_by).toBe("pool-unregistered-new");
    // The attempt a killed run spent stays spent (a job that kills its worker every time still ends).
    expect((await job(JOBS_SCHEMA, jobs.gone)).attempts).toBe(1);
    // Dead workers are forgotten, live ones kept.
    const { rows } = await pool.query("select worker_id from job_workers order by worker_id");
    expect(rows.map((row) => row.worker_id)).toEqual(["pool-alive", "pool-remote-fresh"]);
    await pool.query(`delete from ${JOBS_SCHEMA}._private_jobs; delete from job_workers`);
  });

  it("gives a dead worker's queued deployment its attempt back and leaves a running one to the deployments' recovery", async () => {
    const [user] = await knex("users").insert({ email: "ops@example.com", name: "Ops", passwordHash: "x" }).returning("id");
    const [project] = await knex("projects").insert({ name: "shop", ownerId: user.id, quotaCpu: "1", quotaMemory: "1Gi", quotaPods: 10 }).returning("id");
    const [other] = await knex("projects").insert({ name: "store", ownerId: user.id, quotaCpu: "1", quotaMemory: "1Gi", quotaPods: 10 }).returning("id");
    const [queued] = await knex("deployments").insert({ projectId: project.id, kind: "up", status: "queued" }).returning("id");
    const [running] = await knex("deployments").insert({ projectId: other.id, kind: "up", status: "running", heartbeatAt: new Date() }).returning("id");
    const queuedJob = await addJob(DEPLOYMENT_JOBS_SCHEMA, DEPLOY_TASK, { key: deploymentJobKey(String(queued.id)), queue: projectQueue(String(project.id)), maxAttempts: 1 });
    const runningJob = await addJob(DEPLOYMENT_JOBS_SCHEMA, DEPLOY_TASK, { key: deploymentJobKey(String(running.id)), queue: projectQueue(String(other.id)), maxAttempts: 1 });
    await registerWorker("pool-deployer", { pid: deadPid(), start: "1", schema: DEPLOYMENT_JOBS_SCHEMA });
    await lock(DEPLOYMENT_JOBS_SCHEMA, queuedJob, "pool-deployer");
    await lock(DEPLOYMENT_JOBS_SCHEMA, runningJob, "pool-deployer");

    const registry = new WorkerRegistry(pool, logger);
    registry.watch(DEPLOYMENT_JOBS_SCHEMA, releaseQueuedDeployments);
    expect(await registry.releaseDeadWorkers()).toEqual({ [DEPLOYMENT_JOBS_SCHEMA]: 1 });
    expect(await job(DEPLOYMENT_JOBS_SCHEMA, queuedJob)).toEqual({ locked_by: null, attempts: 0, queue_locked_by: null });
    expect(await job(DEPLOYMENT_JOBS_SCHEMA, runningJob)).toEqual({ locked_by: "pool-deployer", attempts: 1, queue_locked_by: "pool-deployer" });
    // Still holding a job: known as dead until the deployments' recovery has ended it.
    const { rows } = await pool.query("select worker_id from job_workers");
    expect(rows.map((row) => row.worker_id)).toEqual(["pool-deployer"]);
    await pool.query(`delete from ${DEPLOYMENT_JOBS_SCHEMA}._private_jobs; delete from ${DEPLOYMENT_JOBS_SCHEMA}._private_job_queues; delete from job_workers`);
  });

  it("runs, when a portal's job runner starts, the job a killed predecessor held; registers its workers and unregisters them on stop", async () => {
    const held = await addJob(JOBS_SCHEMA, "probe");
    await registerWorker("pool-killed", { pid: deadPid(), start: "1" });
    await lock(JOBS_SCHEMA, held, "pool-killed");
    let ran = 0;
    const jobs = await startJobs({ connectionString: url, logger, groups: [{ schema: JOBS_SCHEMA, concurrency: 1, tasks: { probe: async () => void (ran += 1) } }] });
    try {
      for (const deadline = Date.now() + 15_000; ran === 0 && Date.now() < deadline;) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(ran).toBe(1);
      const { rows } = await pool.query("select worker_id, job_schema, pid from job_workers");
      expect(rows).toEqual([{ worker_id: expect.stringMatching(/^pool-/), job_schema: JOBS_SCHEMA, pid: process.pid }]);
    } finally {
      await jobs.stop();
    }
    expect((await pool.query("select count(*)::int as count from job_workers")).rows[0].count).toBe(0);
  });
});
