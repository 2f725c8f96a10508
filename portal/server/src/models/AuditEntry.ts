import { Model } from "objection";

/** Who changed what: every change to a project, its apps, members and deployments. */
export class AuditEntry extends Model {
  static override tableName = "audit_log";
  // Stored as jsonb; objection serialises them (arrays would otherwise become PostgreSQL arrays).
  static override jsonAttributes = ["details"];

  id!: string;
  actorId!: string | null;
  projectId!: string | null;
  action!: string;
  details!: Record<string, unknown>;
  createdAt!: Date;
}
