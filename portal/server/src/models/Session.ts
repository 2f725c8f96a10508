import { Model } from "objection";

/** A login, kept server-side; the browser holds only the random token whose hash is stored here. */
export class Session extends Model {
  static override tableName = "sessions";

  id!: string;
  userId!: string;
  tokenHash!: string;
  createdAt!: Date;
  lastSeenAt!: Date;
  /** Sliding expiry: moved forward while the session is used. */
  expiresAt!: Date;
  /** Hard limit: no session outlives it, however active. */
  absoluteExpiresAt!: Date;
  userAgent!: string | null;
  ip!: string | null;
}
