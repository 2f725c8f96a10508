/**
 * When an app's health is worth a message: the health last announced for it, what the cluster shows now,
 * and the newest deployment that succeeded decide. Pure; the one place these rules live (alert-rules.test.ts).
 */
import type { Health } from "./types.js";

/** What the owners were last told about an app; none yet counts as healthy. */
export interface Announced {
  health: "healthy" | "degraded";
  /** The newest succeeded deployment when that was announced. */
  deploymentId: string | null;
}

export type AlertKind = "degraded" | "recovered";

/** Alerts one project may send per hour; beyond that they are recorded, not sent, so a flapping app cannot flood anyone. */
export const ALERTS_PER_PROJECT_PER_HOUR = 12;

function newer(deploymentId: string | null, than: string | null): boolean {
  return deploymentId !== null && (than === null || BigInt(deploymentId) > BigInt(than));
}

/**
 * degraded: it went from healthy to degraded, or is still degraded after a newer deploy that succeeded.
 * recovered: it was announced degraded and is healthy now. Progressing and missing apps are in between:
 * nothing is said until they settle.
 */
export function alertFor(announced: Announced | undefined, health: Health, lastDeploymentId: string | null): AlertKind | undefined {
  const was = announced?.health ?? "healthy";
  if (health === "degraded") {
    if (was === "healthy") return "degraded";
    return newer(lastDeploymentId, announced?.deploymentId ?? null) ? "degraded" : undefined;
  }
  if (health === "healthy" && was === "degraded") return "recovered";
  return undefined;
}
