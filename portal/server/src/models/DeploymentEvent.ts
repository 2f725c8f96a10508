import { Model } from "objection";

/** One line of a deployment's progress: an engine event or a line of output, in order. */
export class DeploymentEvent extends Model {
  static override tableName = "deployment_events";
  // Stored as jsonb; objection serialises them (arrays would otherwise become PostgreSQL arrays).
  static override jsonAttributes = ["data"];

  id!: string;
  deploymentId!: string;
  sequence!: number;
  type!: string;
  data!: Record<string, unknown>;
  createdAt!: Date;
}
