/** A project's health alerts as the API shows them. */
import type { HealthAlert, WebhookDeliveryStatus } from "@babyhelm/sdk/api";
import type { AlertRow } from "../services/health-alerts.js";

export function presentAlert(row: AlertRow): HealthAlert {
  return {
    id: String(row.id),
    app: row.app,
    kind: row.kind,
    reason: row.reason,
    deploymentId: row.deploymentId === null ? null : String(row.deploymentId),
    mailedTo: row.mailedTo,
    // A raw row's text column: only health-alerts.ts (pending, suppressed) and webhooks.ts (delivered, failed) write it.
    webhook: row.webhookStatus ? { status: row.webhookStatus as WebhookDeliveryStatus, attempts: row.webhookAttempts } : null,
    createdAt: row.createdAt.toISOString(),
  };
}
