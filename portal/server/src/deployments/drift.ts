/**
 * Drift: whether a project's cluster objects still match its last successful deployment. A drift check is
 * a refresh-preview run in the project's own queue (never at the same time as its deploys), against the
 * spec that deployment recorded, so changes its members have not deployed yet are never taken for drift.
 * Every deployed project is checked on a schedule, at most `drift.concurrency` at once platform-wide; one
 * portal process schedules at a time (an advisory lock), so several processes never double the load.
 */
import type { DriftState } from "@babyhelm/sdk/api";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import type { Database } from "../db/database.js";
import { AppError } from "../errors.js";
import type { Deployment } from "../models/Deployment.js";
import type { Project } from "../models/Project.js";
import type { User } from "../models/User.js";
import type { Deployments } from "./deployments.js";
import { PeriodicTask } from "../services/periodic.js";

const SWEEP_LOCK = 0x647269; // "dri"
const ACTIVE = ["queued", "running"];

const EXPLAINED: Record<DriftState, string> = {
  not_deployed: "The project has no successful deployment to compare the cluster with.",
  unchecked: "The cluster has not been checked for changes made outside BabyHelm yet.",
  in_sync: "The cluster matches the last deployment.",
  drifted: "Objects in the cluster were changed outside BabyHelm. Deploy with refresh to put them back, or change the apps to keep the change.",
  reconciled: "A deployment with refresh has put the cluster back since this check.",
  outdated: "Deployed since this check (without refresh, which leaves outside changes in place); check again.",
  unknown: "The last check did not finish; check again.",
};

/**
 * A check compares the cluster with what `deployed` recorded; a deployment from before deployments recorded
 * their spec is compared with the project's spec now.
 */
function checkAgainst(deployed: Deployment): { specFrom?: Deployment } {
  return deployed.manifestsDigest ? { specFrom: deployed } : {};
}

export class DriftChecks {
  private readonly sweeps: PeriodicTask;

  constructor(
    private readonly db: Database,
    private readonly deployments: Deployments,
    private readonly config: Pick<Config, "drift">,
    private readonly logger: Logger,
  ) {
    this.sweeps = new PeriodicTask(() => this.sweep(), this.logger, "scheduling drift checks failed");
  }

  /**
   * Queues a drift check of the project (`user` null: the schedule). A check already waiting or running is
   * answered instead of a second one.
   */
  async request(user: User | null, project: Project): Promise<Deployment> {
    const pending = await this.db.models.Deployment.query().findOne({ projectId: project.id, kind: "drift" }).whereIn("status", ACTIVE).orderBy("id", "desc");
    if (pending) return pending;
    const deployed = await this.deployments.lastSucceeded(project);
    if (!deployed) throw new AppError(409, "not_deployed", `"${project.name}" has no successful deployment yet: deploy it first, then check for drift.`);
    return this.deployments.create(user, project, "drift", checkAgainst(deployed));
  }

  /** The last finished check, read against what happened since. */
  async state(project: Project) {
    const { Deployment } = this.db.models;
    const [last, pending, deployed] = await Promise.all([
      Deployment.query().findOne({ projectId: project.id, kind: "drift" }).whereNotIn("status", ACTIVE).orderBy("id", "desc"),
      Deployment.query().findOne({ projectId: project.id, kind: "drift" }).whereIn("status", ACTIVE).orderBy("id", "desc"),
      this.deployments.lastSucceeded(project),
    ]);
    const later = last && deployed && BigInt(deployed.id) > BigInt(last.id) ? deployed : undefined;
    const laterWithRefresh = later
      ? await Deployment.query().findOne({ projectId: project.id, kind: "up", status: "succeeded", refresh: true }).where("id", ">", last!.id).first()
      : undefined;
    const resources = last?.status === "succeeded" ? (last.plan ?? []) : [];
    const state: DriftState = !deployed
      ? "not_deployed"
      : !last
        ? "unchecked"
        : last.status !== "succeeded"
          ? "unknown"
          : resources.length === 0
            ? "in_sync"
            : laterWithRefresh
              ? "reconciled"
              : later
                ? "outdated"
                : "drifted";
    return {
      state,
      message: EXPLAINED[state],
      checkId: last?.id ?? null,
      checkedAt: last?.finishedAt ?? null,
      // The deployment the cluster was compared with.
      against: last?.specFrom ?? null,
      error: last && last.status !== "succeeded" ? last.error : null,
      resources,
      pending: pending ? { id: pending.id, status: pending.status } : null,
      intervalMs: this.config.drift.intervalMs,
    };
  }

  /** Schedules due checks until stopped; nothing when the interval is 0 (checks on demand only). */
  start(): void {
    const interval = this.config.drift.intervalMs;
    // Often enough that checks start close to their due time, never more than twice a second.
    if (interval > 0) this.sweeps.start(Math.min(30_000, Math.max(500, Math.floor(interval / 4))));
  }

  async stop(): Promise<void> {
    await this.sweeps.stop();
  }

  /**
   * Queues checks of the projects most overdue, as many as the platform-wide bound leaves room for. A
   * project is due `interval` after its last check (or, never checked, after its first deployment): checks
   * stay spread over the interval as deployments were. Projects with a run waiting or going are skipped
   * (their check would only wait behind it). Answers the number queued.
   */
  async sweep(): Promise<number> {
    const intervalMs = this.config.drift.intervalMs;
    const due = await this.db.knex.transaction(async (trx) => {
      const { rows: locked } = await trx.raw<{ rows: { locked: boolean }[] }>("select pg_try_advisory_xact_lock(?) as locked", [SWEEP_LOCK]);
      if (!locked[0]?.locked) return [];
      const { rows } = await trx.raw<{ rows: { id: string }[] }>(
        `with active as (select count(*)::int as n from deployments where kind = 'drift' and status in ('queued', 'running'))
         select p.id from projects p
          cross join active
          where p.stack_created_at is not null
            and exists (select 1 from deployments d where d.project_id = p.id and d.kind = 'up' and d.status = 'succeeded')
            and not exists (select 1 from deployments d where d.project_id = p.id and d.status in ('queued', 'running'))
            and coalesce((select max(d.created_at) from deployments d where d.project_id = p.id and d.kind = 'drift'), p.stack_created_at)
                < now() - (? * interval '1 millisecond')
          order by coalesce((select max(d.created_at) from deployments d where d.project_id = p.id and d.kind = 'drift'), p.stack_created_at), p.id
          limit greatest(0, ? - (select n from active))`,
        [intervalMs, this.config.drift.concurrency],
      );
      // Queued while the lock is held: another process sweeping next sees them as active.
      for (const row of rows) {
        const project = await this.db.models.Project.query(trx).findById(row.id);
        const deployed = project && (await this.deployments.lastSucceeded(project, trx));
        if (deployed) await this.deployments.queue(trx, null, project, "drift", checkAgainst(deployed));
      }
      return rows;
    });
    return due.length;
  }
}
