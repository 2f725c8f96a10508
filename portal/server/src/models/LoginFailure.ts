import { Model } from "objection";

/** One failed login, counted per e-mail and per address to throttle guessing. */
export class LoginFailure extends Model {
  static override tableName = "login_failures";

  id!: string;
  email!: string;
  ip!: string;
  createdAt!: Date;
}
