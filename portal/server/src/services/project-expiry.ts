/**
 * Expiring projects (preview environments). Every portal process sweeps every `expiryCheckIntervalMs`:
 *
 * - **Warning**: a project expiring within a day whose owners were not told yet is marked warned by one
 *   conditional update (`expiry_warned_at`), and its owners' mails are queued in that same transaction: two
 *   processes sweeping at once find the row marked by whichever came first, so each owner gets one mail.
 *   Changing `expiresAt` clears the mark (services/projects/lifecycle.ts), so the new time is warned about again.
 * - **Expiry**: a project past its `expiresAt` is removed with `Deployments.deleteProject(null, …)` (at once
 *   when it was never deployed, else by a destroy deployment whose success removes it), under a per-project
 *   advisory lock that PATCH takes too, and only when no destroy of it is queued or running. A destroy that
 *   failed leaves the project (its last deployment shows why); it is tried again after 15 minutes, then 30,
 *   1 h, 2 h, 4 h and every 6 h (expiry/rules.ts), until it succeeds or an owner extends the expiry.
 *   Each attempt is audited as `project.expire` (actor null: the platform).
 */
import type { Knex } from "knex";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import type { Database } from "../db/database.js";
import { EXPIRY_RETRY_BASE_MS, EXPIRY_RETRY_MAX_MS, EXPIRY_WARNING_MS, nextExpiryAttempt } from "../expiry/rules.js";
import { enqueueEmail } from "../jobs/worker.js";
import { expiryWarningMessage } from "../mail/messages.js";
import type { Deployment } from "../models/Deployment.js";
import type { Project } from "../models/Project.js";
import { audit } from "./audit.js";
import { PeriodicTask } from "./periodic.js";

/** The advisory lock class (with the project's id) that the sweep and a change of `expiresAt` share. */
export const EXPIRY_LOCK = 0x657870;

/** Serialises a change of a project's expiry with its removal; take it before the project's row lock. */
export async function lockExpiry(trx: Knex.Transaction, projectId: string): Promise<void> {
  await trx.raw("select pg_advisory_xact_lock(?, ?)", [EXPIRY_LOCK, Number(projectId)]);
}

/** Projects expired at once per sweep: the rest wait for the next one. */
const EXPIRE_BATCH = 20;

/**
 * What removes a project: deployments/deployments.ts's `Deployments`, given by the caller, so that services
 * never import deployments/. Answers the destroy deployment, or undefined when the project went at once.
 */
export interface ProjectRemoval {
  deleteProject(user: null, project: Project): Promise<Deployment | undefined>;
}

export interface ExpiryOptions {
  /** The first retry delay after a failed removal, and the longest (tests shorten them). */
  retryBaseMs?: number;
  retryMaxMs?: number;
}

export interface SweepResult {
  /** Projects whose owners were mailed, with how many owners. */
  warned: { name: string; owners: number }[];
  /** Projects whose removal this sweep started: `deploymentId` null when they went at once. */
  expired: { name: string; deploymentId: string | null }[];
}

export class ProjectExpiry {
  private readonly sweeps: PeriodicTask;

  constructor(
    private readonly db: Database,
    private readonly deployments: ProjectRemoval,
    private readonly config: Pick<Config, "publicUrl" | "secretsKey">,
    private readonly logger: Logger,
    private readonly options: ExpiryOptions = {},
  ) {
    this.sweeps = new PeriodicTask(() => this.sweep(), this.logger, "the expiry sweep failed");
  }

  /** Sweeps every `intervalMs` until stopped; 0 turns expiry off. */
  start(intervalMs: number): void {
    if (intervalMs > 0) this.sweeps.start(intervalMs);
  }

  async stop(): Promise<void> {
    await this.sweeps.stop();
  }

  async sweep(): Promise<SweepResult> {
    const warned = await this.warn();
    const expired: SweepResult["expired"] = [];
    for (const project of await this.expiredProjects()) {
      try {
        const result = await this.expire(project);
        if (result) expired.push(result);
      } catch (error) {
        this.logger.warn({ err: error, project: project.name }, "removing an expired project failed");
      }
    }
    return { warned, expired };
  }

  /** Marks every project expiring within a day and not warned yet, and queues its owners' mails, in one transaction. */
  private async warn(): Promise<SweepResult["warned"]> {
    return this.db.knex.transaction(async (trx) => {
      // Concurrent sweeps: the second waits for the first's row locks, then finds the rows warned (PostgreSQL
      // re-checks the condition on the row as the first left it) and claims nothing.
      const { rows } = await trx.raw<{ rows: { id: string; name: string; expires_at: Date }[] }>(
        `update projects set expiry_warned_at = now()
          where expires_at is not null and expiry_warned_at is null
            and expires_at > now() and expires_at <= now() + (? * interval '1 millisecond')
        returning id, name, expires_at`,
        [EXPIRY_WARNING_MS],
      );
      const warned: SweepResult["warned"] = [];
      for (const row of rows) {
        const owners: string[] = await trx("project_members")
          .join("users", "users.id", "project_members.userId")
          .where({ "project_members.projectId": row.id, "project_members.role": "owner" })
          .orderBy("users.id")
          .pluck("users.email");
        const url = `${this.config.publicUrl}/projects/${encodeURIComponent(row.name)}`;
        for (const to of owners) await enqueueEmail(trx, expiryWarningMessage(to, { project: row.name, expiresAt: new Date(row.expires_at), url }), this.config.secretsKey);
        await audit(this.db.models, trx, {
          actorId: null,
          projectId: String(row.id),
          action: "project.expiry_warning",
          details: { name: row.name, expiresAt: new Date(row.expires_at).toISOString(), mailedTo: owners.length },
        });
        this.logger.info({ project: row.name, expiresAt: row.expires_at, mailedTo: owners.length }, "project expiry warning");
        warned.push({ name: row.name, owners: owners.length });
      }
      return warned;
    });
  }

  private async expiredProjects(): Promise<Project[]> {
    return await this.db.models.Project.query().whereNotNull("expiresAt").where("expiresAt", "<=", this.db.knex.fn.now()).orderBy("expiresAt").limit(EXPIRE_BATCH);
  }

  /**
   * Starts the removal of one expired project, unless another process is at it (the advisory lock), a
   * destroy of it is queued or running, or its last removal failed too recently. The lock is held until the
   * destroy is queued and the attempt audited, so a second process then sees that destroy and waits.
   */
  private async expire(candidate: Project): Promise<SweepResult["expired"][number] | undefined> {
    return this.db.knex.transaction(async (trx) => {
      const [{ locked }] = (await trx.raw<{ rows: { locked: boolean }[] }>("select pg_try_advisory_xact_lock(?, ?) as locked", [EXPIRY_LOCK, Number(candidate.id)])).rows as [
        { locked: boolean },
      ];
      if (!locked) return undefined;
      // Read again under the lock: an owner may just have extended it, or someone deleted it.
      const project = await this.db.models.Project.query(trx).findById(candidate.id).whereNotNull("expiresAt").where("expiresAt", "<=", trx.fn.now());
      if (!project) return undefined;
      const destroys: { status: string; createdAt: Date; finishedAt: Date | null }[] = await trx("deployments")
        .where({ projectId: project.id, kind: "destroy" })
        .select("status", "createdAt", "finishedAt");
      // One destroy at a time, whoever asked for it (an owner's Delete too).
      if (destroys.some((destroy) => destroy.status === "queued" || destroy.status === "running")) return undefined;
      // Failures of this expiry only: an expiry set again later starts with a clean slate.
      const failed = destroys.filter((destroy) => (destroy.status === "failed" || destroy.status === "cancelled") && destroy.createdAt >= project.expiresAt!);
      const lastFailure = failed.reduce<Date | null>((last, destroy) => (destroy.finishedAt && (!last || destroy.finishedAt > last) ? destroy.finishedAt : last), null);
      const next = nextExpiryAttempt(failed.length, lastFailure, this.options.retryBaseMs ?? EXPIRY_RETRY_BASE_MS, this.options.retryMaxMs ?? EXPIRY_RETRY_MAX_MS);
      if (next && next.getTime() > Date.now()) return undefined;
      // In its own transaction (it locks the project's row); this one keeps the advisory lock meanwhile.
      const deployment = await this.deployments.deleteProject(null, project);
      await audit(this.db.models, trx, {
        actorId: null,
        // Gone already when it was never deployed (the audit entry keeps its name).
        projectId: deployment ? project.id : null,
        action: "project.expire",
        details: { name: project.name, expiresAt: project.expiresAt!.toISOString(), deploymentId: deployment?.id ?? null, attempt: failed.length + 1 },
      });
      this.logger.info({ project: project.name, expiresAt: project.expiresAt, deploymentId: deployment?.id ?? null, attempt: failed.length + 1 }, "project expired");
      return { name: project.name, deploymentId: deployment?.id ?? null };
    });
  }
}
