/**
 * What the API answers about plans, differences and upgrade rollouts, as plain types with no imports: the
 * server builds them (plan.ts, diff.ts, upgrades.ts) and the web app reads them (api/types.ts).
 */

export type PlanOp = "create" | "update" | "replace" | "delete";

export interface PlanChange {
  /** `spec.template.spec.containers[0].image`. */
  field: string;
  /** The value now (for a drift check: in the cluster) and the value the spec gives; absent when secret or unknown. */
  before?: unknown;
  after?: unknown;
}

export interface PlanStep {
  /** create, update, replace or delete: steps that change nothing (same, read, refresh) are left out. */
  op: PlanOp | (string & {});
  /** The Kubernetes kind (`Deployment`), or the Pulumi type of anything else. */
  kind: string;
  name: string;
  changes: PlanChange[];
}

export interface FieldChange {
  /** `apps[web].image`, `spec.template.spec.containers[web].env[LOG_LEVEL].value`: lists of named items are keyed by name. */
  path: string;
  before?: unknown;
  after?: unknown;
}

export interface ObjectChange {
  /** `Deployment shop/web`: kind, namespace and name. */
  object: string;
  op: "added" | "removed" | "changed";
  changes: FieldChange[];
}

export interface UpgradeCandidate {
  project: string;
  /** The last successful deployment, what a redeploy would deploy again. */
  deploymentId: string;
  /** The SDK version that deployment rendered with; null when it predates recording it. */
  deployedWith: string | null;
  changed: boolean;
  changes: ObjectChange[];
  /** Why this portal cannot render the last deployment's spec (its SDK refuses it now): not upgradable until fixed. */
  problem?: string;
}

export type UpgradeStatus = "running" | "succeeded" | "failed";
export type UpgradeProjectStatus = "pending" | "deploying" | "succeeded" | "failed" | "skipped";

/** One project of a rollout, in order: the canary first. */
export interface UpgradeProject {
  project: string;
  projectId: string;
  canary: boolean;
  status: UpgradeProjectStatus;
  /** The up the rollout queued for it, once it has started. */
  deploymentId: string | null;
  error: string | null;
}
