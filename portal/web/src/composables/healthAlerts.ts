/**
 * Health alerts and the webhook in words, and the two decisions the page makes about them without asking
 * the portal: whether the alerts listed lag behind the health the status poller sees, and whether a URL can
 * be a webhook (the API contract's own rule, so the two cannot differ).
 */
import { webhookUrlProblem as contractUrlProblem, type HealthAlert, type ProjectStatus } from "@babyhelm/sdk/api";

/** The portal's limit (ALERTS_PER_PROJECT_PER_HOUR in portal/server/src/status/alert-rules.ts). */
export const ALERTS_PER_HOUR = 12;

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

/** Why, as the mail said it: the cluster's reason, or what a recovery means. */
export function alertReason(alert: HealthAlert): string {
  if (alert.reason) return alert.reason;
  return alert.kind === "degraded" ? "Some of its pods are not ready." : "Healthy again: all its pods are ready.";
}

export function mailedText(alert: HealthAlert): string {
  return alert.mailedTo === 0 ? "no owner mailed" : `mailed to ${plural(alert.mailedTo, "owner")}`;
}

/** What became of the webhook POST: delivered after N attempts, retrying, failed, rate-limited, or no webhook. */
export function webhookText(webhook: HealthAlert["webhook"]): string {
  if (!webhook) return "no webhook";
  const { status, attempts } = webhook;
  if (status === "delivered") return `webhook delivered after ${plural(attempts, "attempt")}`;
  if (status === "failed") return `webhook failed after ${plural(attempts, "attempt")}`;
  if (status === "suppressed") return "webhook not called: rate-limited";
  return attempts === 0 ? "webhook being sent" : `webhook retrying after ${plural(attempts, "failed attempt")}`;
}

/** One line under an alert: who was told, and how. */
export function deliveryText(alert: HealthAlert): string {
  if (alert.webhook?.status === "suppressed") {
    return `Rate-limited: over ${ALERTS_PER_HOUR} alerts this hour, so it was recorded but neither mailed nor sent to the webhook.`;
  }
  const mailed = mailedText(alert);
  return `${mailed.charAt(0).toUpperCase()}${mailed.slice(1)} · ${webhookText(alert.webhook)}`;
}

/**
 * Whether the list is likely behind the portal: an app the cluster shows degraded whose newest alert is not
 * a degraded one (or one older than the newest deploy that succeeded, after which the portal says it again),
 * an app healthy again whose newest alert still says degraded, or a webhook POST still on its way. The
 * portal's watcher sweeps, and its job queue sends, on their own schedules, a little after the health the
 * page sees.
 */
export function alertsBehind(alerts: HealthAlert[], status: ProjectStatus | null, lastSucceededDeploymentId?: string | null): boolean {
  if (!status || status.cluster !== "connected" || !status.deployed) return false;
  if (alerts.some((alert) => alert.webhook?.status === "pending")) return true;
  return status.apps.some((app) => {
    // Newest first: the first one of the app is what its owners were last told.
    const newest = alerts.find((alert) => alert.app === app.name);
    if (app.health === "degraded") {
      if (newest?.kind !== "degraded") return true;
      return !!lastSucceededDeploymentId && newest.deploymentId !== null && BigInt(lastSucceededDeploymentId) > BigInt(newest.deploymentId);
    }
    return app.health === "healthy" && newest?.kind === "degraded";
  });
}

/** Why a URL cannot be the webhook, in the API's words (its own rules, on the URL trimmed); undefined when it can. */
export function webhookUrlProblem(value: string): string | undefined {
  const url = value.trim();
  return url === "" ? "is required: the URL alerts are POSTed to" : contractUrlProblem(url);
}
