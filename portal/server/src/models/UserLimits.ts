import { Model } from "objection";

/** A platform admin's override of one user's limits; unset fields take the defaults from configuration. */
export class UserLimits extends Model {
  static override tableName = "user_limits";
  static override idColumn = "userId";

  userId!: string;
  maxProjects!: number | null;
  maxCpu!: string | null;
  maxMemory!: string | null;
  updatedAt!: Date;
}
