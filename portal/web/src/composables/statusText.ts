/** Status answers in words people read: the same sentences on the project page, the app page and a deployment. */
import type { AppStatus, DeploymentSummary, EventSummary, Health, PodStatus, ProjectStatus } from "@babyhelm/sdk/api";

export const HEALTH_LABELS: Record<Health, string> = {
  healthy: "healthy",
  progressing: "progressing",
  degraded: "degraded",
  missing: "missing",
};

export function replicasText(app: AppStatus): string {
  return `${app.replicas.ready}/${app.replicas.desired} ready`;
}

/** Why an app is not healthy; the server's sentence first, else what the counts say. */
export function appReason(app: AppStatus): string | null {
  if (app.health === "healthy") return null;
  if (app.reason) return app.reason;
  if (app.health === "missing") return "Not in the cluster: it arrives with the next deploy.";
  if (app.rollout.message) return app.rollout.message;
  return `${app.replicas.ready} of ${app.replicas.desired} pods ready.`;
}

export function podProblem(pod: PodStatus): string | null {
  if (!pod.problem) return null;
  const { code, message, exitCode } = pod.problem;
  const exit = exitCode !== undefined && !message.includes(`code ${exitCode}`) ? ` (exit code ${exitCode})` : "";
  return message.startsWith(code) ? `${message}${exit}` : `${code}: ${message}${exit}`;
}

/**
 * Why there is no health to show, calmly: the portal has no cluster, the cluster did not answer, or nothing
 * was deployed yet. Null when the answer is a live one.
 */
export function statusAbsence(status: ProjectStatus): string | null {
  if (status.cluster === "not_configured") return status.message ?? "This portal has no cluster configured, so live health is not shown.";
  if (status.cluster === "unreachable") return status.message ?? "The cluster did not answer; live health shows again when it does.";
  if (!status.deployed) return status.message ?? "Not deployed yet: health shows once the project is deployed.";
  return null;
}

/** One line for the whole project: how many apps are healthy. */
export function projectSummary(status: ProjectStatus): string {
  const total = status.apps.length;
  if (total === 0) return "No app is running.";
  const healthy = status.apps.filter((app) => app.health === "healthy").length;
  return healthy === total ? (total === 1 ? "The app is healthy." : `All ${total} apps are healthy.`) : `${healthy} of ${total} apps healthy.`;
}

export function warnings(events: EventSummary[]): EventSummary[] {
  return events.filter((event) => event.type === "Warning");
}

export interface DeploymentVerdict {
  tone: "ok" | "warn";
  text: string;
  /** One sentence per app that is not healthy. */
  apps: { name: string; text: string }[];
}

/**
 * What a succeeded deploy left running, from a status answer read after it finished; null when there is no
 * such answer yet, or nothing live to judge (no cluster, a destroy, an older deployment than the latest).
 */
export function deploymentVerdict(deployment: DeploymentSummary, status: ProjectStatus | null, latestId: string | undefined): DeploymentVerdict | null {
  if (deployment.kind !== "up" || deployment.status !== "succeeded" || deployment.id !== latestId) return null;
  if (!status || status.cluster !== "connected" || !status.deployed) return null;
  // An answer read before the deploy ended says nothing about what it left.
  if (deployment.finishedAt && Date.parse(status.readAt) < Date.parse(deployment.finishedAt)) return null;
  const unhealthy = status.apps.filter((app) => app.health !== "healthy");
  if (unhealthy.length === 0)
    return { tone: "ok", text: status.apps.length === 1 ? `Deployed, and ${status.apps[0]!.name} is healthy.` : "Deployed, and every app is healthy.", apps: [] };
  const apps = unhealthy.map((app) => ({
    name: app.name,
    text: app.health === "progressing" ? `${app.name} is still rolling out: ${appReason(app)}` : `${app.name} is not healthy: ${appReason(app)}`,
  }));
  return { tone: "warn", text: unhealthy.length === 1 ? `Deployed, but ${apps[0]!.text}` : "Deployed, but not every app is healthy:", apps: unhealthy.length === 1 ? [] : apps };
}
