import type { KubernetesObject } from "@babyhelm/sdk";
import type { DeploymentKind, DeploymentStatus, PlanStep } from "@babyhelm/sdk/api";
import { Model } from "objection";

// The API contract's words: a deployment is stored as it is answered.
export type { DeploymentKind, DeploymentStatus };

export class Deployment extends Model {
  static override tableName = "deployments";
  // Stored as jsonb; objection serialises them (arrays would otherwise become PostgreSQL arrays).
  static override jsonAttributes = ["spec", "summary", "outputs", "manifests", "plan"];

  id!: string;
  projectId!: string;
  kind!: DeploymentKind;
  status!: DeploymentStatus;
  requestedBy!: string | null;
  spec!: unknown;
  error!: string | null;
  summary!: Record<string, number> | null;
  outputs!: Record<string, unknown> | null;
  createdAt!: Date;
  startedAt!: Date | null;
  finishedAt!: Date | null;
  workerId!: string | null;
  heartbeatAt!: Date | null;
  cancelRequestedAt!: Date | null;
  /** The spec's secret values, encrypted with SECRETS_KEY (as the apps' are at rest). */
  specSecretsEncrypted!: string | null;
  sdkVersion!: string | null;
  /** The rendered objects, secret values masked, and the sha256 of their canonical JSON. */
  manifests!: KubernetesObject[] | null;
  manifestsDigest!: string | null;
  /** A preview's or drift check's per-resource plan. */
  plan!: PlanStep[] | null;
  /** An `up` that reads the cluster back first, undoing changes made outside BabyHelm. */
  refresh!: boolean;
  rollbackOf!: string | null;
  /** The deployment whose recorded spec this run uses (drift checks, upgrades); null: the project's spec now. */
  specFrom!: string | null;
  upgradeId!: string | null;
}
