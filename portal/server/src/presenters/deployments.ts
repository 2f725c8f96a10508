/** A deployment (an up, destroy, preview or drift check) as the API shows it. */
import type { DeploymentSummary } from "@babyhelm/sdk/api";
import type { Wire } from "../http/wire.js";
import type { Deployment } from "../models/Deployment.js";

export function presentDeployment(deployment: Deployment): Wire<DeploymentSummary> {
  return {
    id: deployment.id,
    kind: deployment.kind,
    status: deployment.status,
    error: deployment.error,
    summary: deployment.summary,
    outputs: deployment.outputs,
    refresh: deployment.refresh,
    rollbackOf: deployment.rollbackOf,
    upgradeId: deployment.upgradeId,
    sdkVersion: deployment.sdkVersion,
    manifestsDigest: deployment.manifestsDigest,
    // A preview's or drift check's per-resource plan (secret values never in it).
    ...(deployment.kind === "preview" || deployment.kind === "drift" ? { plan: deployment.plan } : {}),
    createdAt: deployment.createdAt,
    startedAt: deployment.startedAt,
    finishedAt: deployment.finishedAt,
  };
}
