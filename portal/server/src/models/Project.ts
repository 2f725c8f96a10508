import { Model } from "objection";

/** A project: one namespace, one Pulumi stack. */
export class Project extends Model {
  static override tableName = "projects";

  id!: string;
  name!: string;
  displayName!: string | null;
  /**
   * Who created the project, for the record; null once their account is gone. Ownership is the `owner`
   * role in project_members, which may have passed to others: nothing decides by this column.
   */
  ownerId!: string | null;
  quotaCpu!: string;
  quotaMemory!: string;
  quotaPods!: number;
  monitoringDashboard!: boolean;
  /** When a deployment first reached the engine; until then the project has no stack to destroy. */
  stackCreatedAt!: Date | null;
  /** Where health alerts are POSTed, signed with the secret (encrypted with SECRETS_KEY). */
  webhookUrl!: string | null;
  webhookSecretEncrypted!: string | null;
  /** When the project (a preview environment) is destroyed and removed; null: never. */
  expiresAt!: Date | null;
  /** When its owners were told it expires within a day. */
  expiryWarnedAt!: Date | null;
  createdAt!: Date;
  updatedAt!: Date;

  override $beforeUpdate() {
    this.updatedAt = new Date();
  }
}
