/**
 * What the deployments' job schema releases of a dead worker (jobs/worker-registry.ts). A deployment that
 * was running has its own recovery (runner.ts `recover`): once its heartbeat is older than
 * DEPLOY_STALE_AFTER_MS it is marked failed as interrupted and only then its queue is unlocked, so the
 * next run of the project knows the previous one was killed (and clears the stack's lock). That stays
 * so: those jobs are left to it. A deployment still `queued` whose job a worker took just before it died
 * never started: its job is unlocked with its one attempt given back (deploy jobs have `max_attempts` 1),
 * and its project's queue with it, so it runs exactly once.
 */
import type { ReleaseDeadWorkers } from "../jobs/worker-registry.js";
import { DEPLOYMENT_JOB_KEY_PREFIX, DEPLOY_TASK } from "./channels.js";

export const releaseQueuedDeployments: ReleaseDeadWorkers = async (client, schema, workerIds) => {
  const escaped = client.escapeIdentifier(schema);
  const { rows } = await client.query<{ count: number }>(
    `with released as (
       update ${escaped}._private_jobs as job
          set locked_by = null, locked_at = null, attempts = greatest(job.attempts - 1, 0)
         from ${escaped}._private_tasks as task
        where job.locked_by = any($1::text[]) and task.id = job.task_id and task.identifier = $2
          and starts_with(job.key, $3)
          and exists (select 1 from deployments where deployments.id::text = substr(job.key, $4) and deployments.status = 'queued')
        returning job.id, job.job_queue_id
     ), queues as (
       update ${escaped}._private_job_queues as queue
          set locked_by = null, locked_at = null
         from released
        where queue.id = released.job_queue_id and queue.locked_by = any($1::text[])
     )
     select count(*)::int as count from released`,
    [workerIds, DEPLOY_TASK, DEPLOYMENT_JOB_KEY_PREFIX, DEPLOYMENT_JOB_KEY_PREFIX.length + 1],
  );
  return rows[0]!.count;
};
