/**
 * Login throttling: too many failures for one e-mail, or from one address, within a window answer 429
 * with Retry-After until the oldest counted failure leaves the window. Kept in PostgreSQL so every portal
 * process counts the same failures.
 */
import type { Models } from "../db/database.js";
import { tooManyRequests } from "../errors.js";

export interface ThrottleLimits {
  windowMs: number;
  perEmail: number;
  perIp: number;
}

export const DEFAULT_THROTTLE: ThrottleLimits = { windowMs: 15 * 60 * 1000, perEmail: 5, perIp: 30 };

export class LoginThrottle {
  constructor(
    private readonly models: Models,
    private readonly limits: ThrottleLimits = DEFAULT_THROTTLE,
  ) {}

  /** Throws 429 when the e-mail or the address has used up its failures. */
  async check(email: string, ip: string): Promise<void> {
    const since = new Date(Date.now() - this.limits.windowMs);
    for (const [column, value, limit] of [["email", email, this.limits.perEmail], ["ip", ip, this.limits.perIp]] as const) {
      const failures = await this.models.LoginFailure.query()
        .where(column, value)
        .where("createdAt", ">", since)
        .orderBy("createdAt", "desc")
        .limit(limit)
        .select("createdAt");
      if (failures.length >= limit) {
        const oldest = failures[failures.length - 1]!.createdAt.getTime();
        throw tooManyRequests(Math.max(1, Math.ceil((oldest + this.limits.windowMs - Date.now()) / 1000)));
      }
    }
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    await this.models.LoginFailure.query().insert({ email, ip });
  }

  /** A successful login forgives the e-mail's failures (not the address's: one address may guess many accounts). */
  async recordSuccess(email: string): Promise<void> {
    await this.models.LoginFailure.query().delete().where({ email });
  }

  /** Old rows only slow the queries down. */
  async prune(): Promise<void> {
    await this.models.LoginFailure.query().delete().where("createdAt", "<", new Date(Date.now() - this.limits.windowMs));
  }
}
