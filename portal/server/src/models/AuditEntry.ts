import { Model } from "objection";

/** Who changed what: every change to a project, its apps, members and deployments. */
export class AuditEntry extends Model {
  static override tableName = "audit_log";

  id!: string;
  actorId!: string | null;
  projectId!: string | null;
  action!: string;
  details!: Record<string, unknown>;
  createdAt!: Date;
}
