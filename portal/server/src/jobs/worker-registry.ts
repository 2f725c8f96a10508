/**
 * The job workers that live, and the release of the jobs of those that died. graphile-worker marks a job
 * it runs with its worker's id (`locked_by`, `locked_at`) and, should that worker die, leaves it locked
 * for four hours. So every portal process registers its workers in `job_workers` and renews their
 * heartbeat; at start, before its own workers take jobs, and then periodically (for portal processes
 * that died elsewhere), it releases the jobs held by dead workers (liveness.ts says which), and they run
 * again. Times are the database's (`now()`), so clocks of different machines never disagree.
 */
import type pg from "pg";
import type { Logger } from "pino";
import { ownStartTicks, processSpace, stillRuns } from "../os/processes.js";
import { deadLockHolders, registeredWorkerIsDead, type LockHolder, type RegisteredWorker, type Vantage } from "./liveness.js";

/** How often a process renews its workers' heartbeat. */
export const WORKER_HEARTBEAT_MS = 10_000;
/** A heartbeat older than this: the worker is dead (six missed beats). */
export const WORKER_STALE_AFTER_MS = 60_000;
/** How often each process looks for jobs of dead workers. */
export const WORKER_RELEASE_INTERVAL_MS = 15_000;

/**
 * How a job schema releases what dead workers hold; returns how many jobs it released. By default every
 * job and queue they hold is unlocked (graphile-worker's `force_unlock_workers`); the attempt they spent
 * stays spent, so a job that kills its worker every time still ends after its `max_attempts`.
 */
export type ReleaseDeadWorkers = (client: pg.PoolClient, schema: string, workerIds: string[]) => Promise<number>;

export const unlockEverything: ReleaseDeadWorkers = async (client, schema, workerIds) => {
  const escaped = client.escapeIdentifier(schema);
  const { rows } = await client.query<{ count: number }>(`select count(*)::int as count from ${escaped}._private_jobs where locked_by = any($1::text[])`, [workerIds]);
  await client.query(`select ${escaped}.force_unlock_workers($1::text[])`, [workerIds]);
  return rows[0]!.count;
};

export interface RegistryOptions {
  heartbeatMs?: number;
  staleAfterMs?: number;
  releaseIntervalMs?: number;
}

export class WorkerRegistry {
  private readonly own = new Map<string, string>();
  private readonly schemas = new Map<string, ReleaseDeadWorkers>();
  private readonly space = processSpace();
  private readonly start = ownStartTicks() ?? null;
  private readonly heartbeatMs: number;
  private readonly staleAfterMs: number;
  private readonly releaseIntervalMs: number;
  private timers: NodeJS.Timeout[] = [];
  private releasing: Promise<unknown> | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly logger: Logger,
    options: RegistryOptions = {},
  ) {
    this.heartbeatMs = options.heartbeatMs ?? WORKER_HEARTBEAT_MS;
    this.staleAfterMs = options.staleAfterMs ?? WORKER_STALE_AFTER_MS;
    this.releaseIntervalMs = options.releaseIntervalMs ?? WORKER_RELEASE_INTERVAL_MS;
  }

  /** A job schema whose dead workers' jobs this registry releases, and how. */
  watch(schema: string, release: ReleaseDeadWorkers = unlockEverything): void {
    this.schemas.set(schema, release);
  }

  /** One of this process's workers (a graphile-worker pool id), alive from now on. */
  async register(workerId: string, schema: string): Promise<void> {
    this.own.set(workerId, schema);
    await this.insert([workerId]);
  }

  private async insert(workerIds: string[]): Promise<void> {
    for (const workerId of workerIds) {
      await this.pool.query(
        `insert into job_workers (worker_id, job_schema, process_space, pid, process_start) values ($1, $2, $3, $4, $5)
           on conflict (worker_id) do update set heartbeat_at = now()`,
        [workerId, this.own.get(workerId), this.space ?? null, process.pid, this.start],
      );
    }
  }

  /** Renews this process's heartbeat; re-registers workers another process took for dead and removed. */
  async heartbeat(): Promise<void> {
    const ids = [...this.own.keys()];
    if (ids.length === 0) return;
    const { rows } = await this.pool.query<{ worker_id: string }>("update job_workers set heartbeat_at = now() where worker_id = any($1::text[]) returning worker_id", [ids]);
    const missing = ids.filter((id) => !rows.some((row) => row.worker_id === id));
    if (missing.length > 0) {
      this.logger.warn({ workers: missing }, "this portal's job workers were taken for dead (their heartbeat stalled); registering them again");
      await this.insert(missing);
    }
  }

  /**
   * Releases the jobs that dead workers hold in every watched schema, and forgets dead workers that hold
   * nothing any more. Returns the released jobs per schema.
   */
  async releaseDeadWorkers(): Promise<Record<string, number>> {
    const client = await this.pool.connect();
    try {
      const { rows: registered } = await client.query<{ worker_id: string; process_space: string | null; pid: number; process_start: string | null; heartbeat_age_ms: number }>(
        "select worker_id, process_space, pid, process_start, (extract(epoch from now() - heartbeat_at) * 1000)::float8 as heartbeat_age_ms from job_workers",
      );
      const workers: RegisteredWorker[] = registered.map((row) => ({
        workerId: row.worker_id,
        processSpace: row.process_space,
        pid: row.pid,
        processStart: row.process_start,
        heartbeatAgeMs: row.heartbeat_age_ms,
      }));
      const vantage: Vantage = { processSpace: this.space, stillRuns, ownWorkers: new Set(this.own.keys()) };
      const released: Record<string, number> = {};
      const stillHolding = new Set<string>();
      for (const [schema, release] of this.schemas) {
        const { rows } = await client.query<{ worker_id: string; oldest_lock_age_ms: number }>(
          `select locked_by as worker_id, (extract(epoch from now() - min(locked_at)) * 1000)::float8 as oldest_lock_age_ms
             from ${client.escapeIdentifier(schema)}._private_jobs where locked_by is not null group by locked_by`,
        );
        const holders: LockHolder[] = rows.map((row) => ({ workerId: row.worker_id, oldestLockAgeMs: row.oldest_lock_age_ms }));
        const dead = deadLockHolders(holders, workers, vantage, this.staleAfterMs);
        if (dead.length === 0) continue;
        const count = await release(client, schema, dead);
        if (count > 0) {
          released[schema] = count;
          this.logger.warn({ schema, workers: dead, jobs: count }, "released the jobs of job workers that died; they run again");
        }
        const { rows: left } = await client.query<{ worker_id: string }>(
          `select distinct locked_by as worker_id from ${client.escapeIdentifier(schema)}._private_jobs where locked_by = any($1::text[])`,
          [dead],
        );
        for (const row of left) stillHolding.add(row.worker_id);
      }
      // Dead workers holding nothing are forgotten; one still holding jobs (a deployment its recovery has
      // not ended yet) stays known as dead until it holds none.
      const forgettable = workers.filter((worker) => !stillHolding.has(worker.workerId) && registeredWorkerIsDead(worker, vantage, this.staleAfterMs));
      if (forgettable.length > 0) await client.query("delete from job_workers where worker_id = any($1::text[])", [forgettable.map((worker) => worker.workerId)]);
      return released;
    } finally {
      client.release();
    }
  }

  /** Heartbeat and periodic release, until stop(). */
  startTimers(): void {
    const heartbeat = setInterval(() => this.heartbeat().catch((error: unknown) => this.logger.warn({ err: error }, "job worker heartbeat failed")), this.heartbeatMs);
    const release = setInterval(() => {
      this.releasing ??= this.releaseDeadWorkers()
        .catch((error: unknown) => this.logger.warn({ err: error }, "releasing the jobs of dead job workers failed"))
        .finally(() => (this.releasing = undefined));
    }, this.releaseIntervalMs);
    for (const timer of [heartbeat, release]) timer.unref();
    this.timers = [heartbeat, release];
  }

  /** Stops the timers and unregisters this process's workers (they have stopped: nothing of theirs is locked). */
  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    await this.releasing;
    const ids = [...this.own.keys()];
    this.own.clear();
    if (ids.length > 0) await this.pool.query("delete from job_workers where worker_id = any($1::text[])", [ids]);
  }
}
