/**
 * Watches the health of every deployed project and tells its owners (mail) and its webhook when an app
 * turns degraded or recovers. Every portal process watches; the change of an app's announced health is
 * one conditional write, so whichever process makes it sends the alert and the others find it made.
 */
import type { Knex } from "knex";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import type { Database } from "../db/database.js";
import { enqueueEmail, enqueueJob } from "../jobs/worker.js";
import { healthAlertMessage } from "../mail/messages.js";
import { ALERTS_PER_PROJECT_PER_HOUR, alertFor, type AlertKind, type Announced } from "../status/alert-rules.js";
import type { AppStatus } from "../status/types.js";
import type { ProjectStatuses } from "./status.js";
import { DELIVER_WEBHOOK, WEBHOOK_ATTEMPTS } from "./webhooks.js";
import { PeriodicTask } from "./periodic.js";

export interface WatchedProject {
  id: string;
  name: string;
  webhookUrl: string | null;
  /** The newest deployment that succeeded; only projects with one are watched. */
  lastDeploymentId: string;
}

/** A recorded alert, as knex answers through objection's snake-case mappers: camel-cased (presenters/alerts.ts shapes it). */
export interface AlertRow {
  id: string;
  app: string;
  kind: AlertKind;
  reason: string | null;
  deploymentId: string | null;
  mailedTo: number;
  webhookStatus: string | null;
  webhookAttempts: number;
  createdAt: Date;
}

export class HealthAlerts {
  private readonly sweeps: PeriodicTask;

  constructor(
    private readonly db: Database,
    private readonly statuses: ProjectStatuses,
    private readonly config: Pick<Config, "publicUrl" | "secretsKey">,
    private readonly logger: Logger,
  ) {
    this.sweeps = new PeriodicTask(() => this.sweep(), this.logger, "watching app health failed");
  }

  /** Sweeps every `intervalMs` until stopped; nothing without a cluster. */
  start(intervalMs: number): void {
    if (this.statuses.reader && intervalMs > 0) this.sweeps.start(intervalMs);
  }

  async stop(): Promise<void> {
    await this.sweeps.stop();
  }

  async watchedProjects(): Promise<WatchedProject[]> {
    const rows = await this.db.knex.raw<{ rows: { id: string; name: string; webhook_url: string | null; last_deployment_id: string }[] }>(
      `select p.id, p.name, p.webhook_url, d.last_deployment_id
         from projects p
         join (select project_id, max(id) as last_deployment_id from deployments where kind = 'up' and status = 'succeeded' group by project_id) d on d.project_id = p.id
        order by p.id`,
    );
    return rows.rows.map((row) => ({ id: String(row.id), name: row.name, webhookUrl: row.webhook_url, lastDeploymentId: String(row.last_deployment_id) }));
  }

  /** One project after the other: the API server sees one namespace's reads at a time from each process. */
  async sweep(): Promise<void> {
    for (const project of await this.watchedProjects()) {
      try {
        await this.check(project);
      } catch (error) {
        this.logger.warn({ err: error, project: project.name }, "checking a project's health failed");
      }
    }
  }

  async check(project: WatchedProject): Promise<void> {
    const apps = await this.db.knex("apps").where({ projectId: project.id }).orderBy("position").pluck<string[]>("name");
    const status = await this.statuses.of(project.name, apps);
    // A namespace that is missing, or not the portal's (ownsNamespace), is not deployed: nothing is said of it.
    if (status.cluster !== "connected" || !status.deployed) return;
    const announced = new Map<string, Announced>();
    const rows: { app: string; announced: Announced["health"]; announcedDeploymentId: string | null }[] = await this.db
      .knex("app_health")
      .where({ projectId: project.id })
      .select("app", "announced", "announcedDeploymentId");
    for (const row of rows) announced.set(row.app, { health: row.announced, deploymentId: row.announcedDeploymentId === null ? null : String(row.announcedDeploymentId) });
    for (const app of status.apps) {
      const kind = alertFor(announced.get(app.name), app.health, project.lastDeploymentId);
      if (kind) await this.announce(project, app, kind, announced.get(app.name), new Date(status.readAt));
    }
  }

  /** Makes the change of announced health, and when this process is the one that made it, queues the messages. */
  private async announce(project: WatchedProject, app: AppStatus, kind: AlertKind, expected: Announced | undefined, observedAt: Date): Promise<void> {
    await this.db.knex.transaction(async (trx) => {
      const next: Announced = { health: kind === "degraded" ? "degraded" : "healthy", deploymentId: project.lastDeploymentId };
      if (!(await claim(trx, project.id, app.name, expected, next, observedAt))) return;
      const recent = await trx("health_alerts")
        .where({ projectId: project.id })
        .where("created_at", ">", trx.raw("now() - interval '1 hour'"))
        .count<{ count: string }[]>("id as count");
      const suppressed = Number(recent[0]?.count ?? 0) >= ALERTS_PER_PROJECT_PER_HOUR;
      const owners: string[] = suppressed
        ? []
        : await trx("project_members")
            .join("users", "users.id", "project_members.userId")
            .where({ "project_members.projectId": project.id, "project_members.role": "owner" })
            .pluck("users.email");
      const [alert] = await trx("health_alerts")
        .insert({
          projectId: project.id,
          app: app.name,
          kind,
          reason: app.reason,
          deploymentId: project.lastDeploymentId,
          mailedTo: owners.length,
          webhookStatus: suppressed ? "suppressed" : project.webhookUrl ? "pending" : null,
        })
        .returning<{ id: string }[]>("id");
      const url = `${this.config.publicUrl}/projects/${project.name}/apps/${app.name}/status`;
      for (const to of owners) await enqueueEmail(trx, healthAlertMessage(to, { project: project.name, app: app.name, kind, reason: app.reason, url }), this.config.secretsKey);
      // The job carries the alert's id only: the URL and signing secret are read when it runs.
      if (!suppressed && project.webhookUrl) await enqueueJob(trx, DELIVER_WEBHOOK, { alertId: String(alert!.id) }, { maxAttempts: WEBHOOK_ATTEMPTS });
      this.logger.info({ project: project.name, app: app.name, kind, suppressed, mailedTo: owners.length }, "app health alert");
    });
  }

  /** The project's alerts, newest first. */
  async list(projectId: string, limit = 50): Promise<AlertRow[]> {
    return await this.db.knex("health_alerts").where({ projectId }).orderBy("id", "desc").limit(limit);
  }
}

/**
 * The conditional write: true only for the one process whose write changed what was announced, from what it
 * read, on a status read after the one the last change was decided on. Without that last condition a
 * process with a read from a moment ago would announce again what another process had just announced over.
 */
async function claim(trx: Knex.Transaction, projectId: string, app: string, expected: Announced | undefined, next: Announced, observedAt: Date): Promise<boolean> {
  const values = { projectId, app, announced: next.health, announcedDeploymentId: next.deploymentId, observedAt, updatedAt: trx.fn.now() };
  if (!expected) {
    const inserted = await trx("app_health").insert(values).onConflict(["project_id", "app"]).ignore().returning("app");
    return inserted.length > 0;
  }
  const updated = await trx("app_health")
    .where({ projectId, app, announced: expected.health })
    .andWhere((query) => (expected.deploymentId === null ? query.whereNull("announcedDeploymentId") : query.where("announcedDeploymentId", expected.deploymentId)))
    .andWhere("observedAt", "<", observedAt)
    .update({ announced: next.health, announcedDeploymentId: next.deploymentId, observedAt, updatedAt: trx.fn.now() });
  return updated > 0;
}
