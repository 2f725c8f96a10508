/**
 * A project's webhook: an owner sets a URL and is shown a signing secret once; health alerts are POSTed
 * there as JSON, signed like Stripe's and GitHub's (HMAC-SHA256 of "<timestamp>.<body>"), by a job that
 * graphile-worker retries with its exponential backoff.
 */
import { createHmac, randomBytes } from "node:crypto";
import type { JobHelpers } from "graphile-worker";
import type { Config } from "../config.js";
import type { Database } from "../db/database.js";
import { AppError } from "../errors.js";
import type { Project } from "../models/Project.js";
import type { User } from "../models/User.js";
import { audit } from "./audit.js";
import { decryptJson, encryptJson } from "./secret-box.js";

export const DELIVER_WEBHOOK = "deliver_webhook";
/** With graphile-worker's backoff (e^attempt seconds) the last try comes about 4 minutes after the first. */
export const WEBHOOK_ATTEMPTS = 6;
export const WEBHOOK_TIMEOUT_MS = 10_000;
export const SIGNATURE_HEADER = "x-babyhelm-signature";
export const TIMESTAMP_HEADER = "x-babyhelm-timestamp";

/** `sha256=<hex>` of "<timestamp>.<body>": a receiver recomputes it with the secret and refuses old timestamps. */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

function secretContext(projectId: string): string {
  return `project:${projectId}/webhook`;
}

/** The rule lives in the API contract, which the web app checks with too. */
export { webhookUrlProblem } from "@babyhelm/sdk/api";

/** Camel-cased, as knex answers through objection's snake-case mappers. */
interface DeliveryRow {
  id: string;
  projectId: string;
  project: string;
  app: string;
  kind: string;
  reason: string | null;
  deploymentId: string | null;
  createdAt: Date;
  webhookUrl: string | null;
  webhookSecretEncrypted: string | null;
}

export class Webhooks {
  constructor(
    private readonly db: Database,
    private readonly config: Pick<Config, "publicUrl" | "secretsKey">,
  ) {}

  /** Sets the URL and a new secret, which this answer shows once: it is stored encrypted and never shown again. */
  async set(user: User, project: Project, url: string): Promise<{ url: string; secret: string }> {
    const secret = `whsec_${randomBytes(24).toString("base64url")}`;
    await this.db.knex.transaction(async (trx) => {
      await trx("projects")
        .where({ id: project.id })
        .update({ webhookUrl: url, webhookSecretEncrypted: encryptJson(this.config.secretsKey, secret, secretContext(project.id)), updatedAt: trx.fn.now() });
      await audit(this.db.models, trx, { actorId: user.id, projectId: project.id, action: "webhook.set", details: { url } });
    });
    return { url, secret };
  }

  async clear(user: User, project: Project): Promise<void> {
    await this.db.knex.transaction(async (trx) => {
      await trx("projects").where({ id: project.id }).update({ webhookUrl: null, webhookSecretEncrypted: null, updatedAt: trx.fn.now() });
      await audit(this.db.models, trx, { actorId: user.id, projectId: project.id, action: "webhook.clear" });
    });
  }

  /** The job: one POST of one alert. Throwing makes graphile-worker try again later. */
  async deliver(payload: { alertId: string }, helpers: Pick<JobHelpers, "job">, fetchImpl: typeof fetch = fetch): Promise<void> {
    const row = await this.db
      .knex<DeliveryRow>("health_alerts as a")
      .join("projects as p", "p.id", "a.project_id")
      .where("a.id", payload.alertId)
      .first("a.id", "a.projectId", "p.name as project", "a.app", "a.kind", "a.reason", "a.deploymentId", "a.createdAt", "p.webhookUrl", "p.webhookSecretEncrypted");
    // The project, its webhook or the alert went away since: nothing to deliver.
    if (!row?.webhookUrl || !row.webhookSecretEncrypted) {
      if (row) await this.record(row.id, "failed");
      return;
    }
    const secret = decryptJson<string>(this.config.secretsKey, row.webhookSecretEncrypted, secretContext(row.projectId));
    const body = JSON.stringify({
      type: `app.${row.kind}`,
      alertId: String(row.id),
      project: row.project,
      app: row.app,
      health: row.kind === "degraded" ? "degraded" : "healthy",
      reason: row.reason,
      deploymentId: row.deploymentId === null ? null : String(row.deploymentId),
      at: row.createdAt.toISOString(),
      url: `${this.config.publicUrl}/projects/${row.project}/apps/${row.app}/status`,
    });
    const timestamp = Math.floor(Date.now() / 1000);
    const last = helpers.job.attempts >= helpers.job.max_attempts;
    let failure: string | undefined;
    try {
      const response = await fetchImpl(row.webhookUrl, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "BabyHelm-Webhook/1",
          "x-babyhelm-event": `app.${row.kind}`,
          "x-babyhelm-delivery": String(row.id),
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: webhookSignature(secret, timestamp, body),
        },
        body,
        redirect: "manual",
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      });
      await response.body?.cancel();
      if (response.status < 200 || response.status >= 300) failure = `the webhook answered ${response.status}`;
    } catch (error) {
      failure = `the webhook could not be reached: ${(error as Error).message}`;
    }
    await this.record(row.id, failure ? (last ? "failed" : "pending") : "delivered");
    if (failure) throw new AppError(502, "webhook_failed", failure);
  }

  private async record(alertId: string, status: "pending" | "delivered" | "failed"): Promise<void> {
    await this.db
      .knex("health_alerts")
      .where({ id: alertId })
      .update({ webhookStatus: status, webhookAttempts: this.db.knex.raw("webhook_attempts + 1") });
  }
}
