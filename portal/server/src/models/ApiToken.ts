import { Model } from "objection";

/** A personal access token (`bh_...`) for CI and scripts; shown once, stored hashed. */
export class ApiToken extends Model {
  static override tableName = "api_tokens";

  id!: string;
  userId!: string;
  name!: string;
  /** The first characters of the token, so users can tell their tokens apart. */
  prefix!: string;
  tokenHash!: string;
  createdAt!: Date;
  lastUsedAt!: Date | null;
}
