import { Model } from "objection";

export type Role = "owner" | "developer" | "viewer";

export class ProjectMember extends Model {
  static override tableName = "project_members";
  static override idColumn = ["projectId", "userId"];

  projectId!: string;
  userId!: string;
  role!: Role;
  createdAt!: Date;
}
