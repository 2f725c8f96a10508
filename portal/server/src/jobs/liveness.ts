/**
 * Which job workers are dead, pure: the rule the worker registry (worker-registry.ts) applies to what it
 * reads. A worker is a graphile-worker pool, named by the id it writes into the `locked_by` of the jobs it
 * runs. A worker is dead when
 * - its heartbeat is older than the stale bound (its process died, hangs, or lost the database), or
 * - it ran in the same pid space as the one asking (same host, boot and pid namespace) and its process
 *   no longer runs (its pid is gone, or now belongs to a process that started at another time): known at
 *   once, so a portal restarted after a kill releases its predecessor's jobs when it starts;
 * - it never registered (a portal older than the registry, or one killed between taking its first job
 *   and registering) and has held its oldest lock longer than the stale bound.
 * A worker of the asking process is never dead.
 */

export interface RegisteredWorker {
  workerId: string;
  processSpace: string | null;
  pid: number;
  processStart: string | null;
  heartbeatAgeMs: number;
}

export interface LockHolder {
  workerId: string;
  /** How long it has held its oldest lock. */
  oldestLockAgeMs: number;
}

export interface Vantage {
  /** The pid space of the asking process (os/processes.ts), undefined where it cannot be told. */
  processSpace: string | undefined;
  /** Whether `pid` still runs the process that started at `start` in that space; undefined: cannot tell. */
  stillRuns(pid: number, start: string | null): boolean | undefined;
  /** The workers of the asking process. */
  ownWorkers: ReadonlySet<string>;
}

export function registeredWorkerIsDead(worker: RegisteredWorker, vantage: Vantage, staleAfterMs: number): boolean {
  if (vantage.ownWorkers.has(worker.workerId)) return false;
  if (worker.heartbeatAgeMs > staleAfterMs) return true;
  if (vantage.processSpace !== undefined && worker.processSpace === vantage.processSpace) return vantage.stillRuns(worker.pid, worker.processStart) === false;
  return false;
}

/** The holders of job locks that are dead, by the rule above. */
export function deadLockHolders(holders: LockHolder[], registered: RegisteredWorker[], vantage: Vantage, staleAfterMs: number): string[] {
  const byId = new Map(registered.map((worker) => [worker.workerId, worker]));
  return holders
    .filter((holder) => {
      if (vantage.ownWorkers.has(holder.workerId)) return false;
      const worker = byId.get(holder.workerId);
      return worker ? registeredWorkerIsDead(worker, vantage, staleAfterMs) : holder.oldestLockAgeMs > staleAfterMs;
    })
    .map((holder) => holder.workerId);
}
