import { Model } from "objection";

/** One failed login, counted per e-mail (until a success forgives it) and per address to throttle guessing. */
export class LoginFailure extends Model {
  static override tableName = "login_failures";

  id!: string;
  email!: string;
  ip!: string;
  createdAt!: Date;
  /** When a successful login of the e-mail forgave it: it no longer delays the account, but still counts for its address. */
  forgivenAt!: Date | null;
}
