import { Model } from "objection";

export type EmailTokenPurpose = "confirm_email" | "reset_password";

/** A single-use link sent by e-mail; only its hash is stored. */
export class EmailToken extends Model {
  static override tableName = "email_tokens";

  id!: string;
  userId!: string;
  purpose!: EmailTokenPurpose;
  tokenHash!: string;
  createdAt!: Date;
  expiresAt!: Date;
  usedAt!: Date | null;
}
