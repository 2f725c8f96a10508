/**
 * Password-guessing throttle (logins, and current-password checks): too many failures for one e-mail,
 * or from one client address, within a window answer 429 with Retry-After until the oldest counted
 * failure leaves the window. Kept in PostgreSQL so every portal process counts the same failures.
 *
 * An attempt is recorded before the password is checked and counted with the attempts already recorded,
 * so forty simultaneous guesses are held to the same limit as forty in a row. A successful attempt
 * removes its record and forgives the e-mail's failures.
 */
import type { Models } from "../db/database.js";
import { tooManyRequests } from "../errors.js";

export interface ThrottleLimits {
  windowMs: number;
  perEmail: number;
  perIp: number;
}

export const DEFAULT_THROTTLE: ThrottleLimits = { windowMs: 15 * 60 * 1000, perEmail: 5, perIp: 30 };

export interface Attempt {
  succeeded(): Promise<void>;
}

export class LoginThrottle {
  constructor(
    private readonly models: Models,
    private readonly limits: ThrottleLimits = DEFAULT_THROTTLE,
  ) {}

  /**
   * Records an attempt by `email` from `ip`; throws 429 (and forgets the attempt, which was refused)
   * when it goes past either limit. The attempt counts as a failure unless `succeeded()` is called.
   */
  async begin(email: string, ip: string): Promise<Attempt> {
    const { LoginFailure } = this.models;
    const attempt = await LoginFailure.query().insertAndFetch({ email, ip });
    const since = new Date(Date.now() - this.limits.windowMs);
    for (const [column, value, limit] of [
      ["email", email, this.limits.perEmail],
      ["ip", ip, this.limits.perIp],
    ] as const) {
      const earlier = await LoginFailure.query()
        .where(column, value)
        .where("createdAt", ">", since)
        .where("id", "<=", attempt.id)
        .orderBy("id", "desc")
        .limit(limit + 1)
        .select("createdAt");
      if (earlier.length > limit) {
        await LoginFailure.query().deleteById(attempt.id);
        const oldest = earlier[earlier.length - 1]!.createdAt.getTime();
        throw tooManyRequests(Math.max(1, Math.ceil((oldest + this.limits.windowMs - Date.now()) / 1000)));
      }
    }
    return {
      succeeded: async () => {
        // Forgives the e-mail's failures, not the address's: one address may be guessing many accounts.
        await LoginFailure.query().delete().where({ email });
      },
    };
  }

  /** Old rows only slow the queries down. */
  async prune(): Promise<void> {
    await this.models.LoginFailure.query()
      .delete()
      .where("createdAt", "<", new Date(Date.now() - this.limits.windowMs));
  }
}
