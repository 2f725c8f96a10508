import { Model } from "objection";

export class User extends Model {
  static override tableName = "users";

  id!: string;
  email!: string;
  name!: string;
  passwordHash!: string;
  emailConfirmedAt!: Date | null;
  /** Set for the first registered user; ADMIN_EMAILS adds admins without a database change. */
  isAdmin!: boolean;
  notifiedAt!: Date | null;
  createdAt!: Date;
  updatedAt!: Date;

  override $beforeUpdate() {
    this.updatedAt = new Date();
  }
}
