/** A project's health alerts as the API shows them. */
import type { AlertRow } from "../services/health-alerts.js";
import type { AlertKind } from "../status/alert-rules.js";

export interface HealthAlert {
  id: string;
  app: string;
  kind: AlertKind;
  reason: string | null;
  deploymentId: string | null;
  mailedTo: number;
  /** null: the project had no webhook; suppressed: over the hourly limit, recorded only. */
  webhook: { status: "pending" | "delivered" | "failed" | "suppressed"; attempts: number } | null;
  createdAt: string;
}

export function presentAlert(row: AlertRow): HealthAlert {
  return {
    id: String(row.id),
    app: row.app,
    kind: row.kind,
    reason: row.reason,
    deploymentId: row.deploymentId === null ? null : String(row.deploymentId),
    mailedTo: row.mailedTo,
    webhook: row.webhookStatus ? { status: row.webhookStatus as NonNullable<HealthAlert["webhook"]>["status"], attempts: row.webhookAttempts } : null,
    createdAt: row.createdAt.toISOString(),
  };
}
