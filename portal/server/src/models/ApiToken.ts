import { Model } from "objection";
import type { Role } from "./ProjectMember.js";

/** A personal access token (`bh_...`) for CI and scripts; shown once, stored hashed. */
export class ApiToken extends Model {
  static override tableName = "api_tokens";

  id!: string;
  userId!: string;
  name!: string;
  /** The first characters of the token, so users can tell their tokens apart. */
  prefix!: string;
  tokenHash!: string;
  /** The one project the token may reach (by id: a later project of the same name is another); null: all the user's. */
  projectId!: string | null;
  /** The most the token may do in a project, below the user's own role there; null: the user's role. */
  role!: Role | null;
  /** When the token stops working; null: never. */
  expiresAt!: Date | null;
  createdAt!: Date;
  lastUsedAt!: Date | null;
}
