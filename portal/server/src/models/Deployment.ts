import { Model } from "objection";

export type DeploymentKind = "up" | "destroy";
export type DeploymentStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled";

export class Deployment extends Model {
  static override tableName = "deployments";
  // Stored as jsonb; objection serialises them (arrays would otherwise become PostgreSQL arrays).
  static override jsonAttributes = ["spec", "summary", "outputs"];

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
}
