import { Model } from "objection";

/** A project: one namespace, one Pulumi stack. */
export class Project extends Model {
  static override tableName = "projects";

  id!: string;
  name!: string;
  displayName!: string | null;
  ownerId!: string;
  quotaCpu!: string;
  quotaMemory!: string;
  quotaPods!: number;
  monitoringDashboard!: boolean;
  /** When a deployment first reached the engine; until then the project has no stack to destroy. */
  stackCreatedAt!: Date | null;
  createdAt!: Date;
  updatedAt!: Date;

  override $beforeUpdate() {
    this.updatedAt = new Date();
  }
}
