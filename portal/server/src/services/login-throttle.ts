/**
 * Password-guessing throttle (logins, and current-password checks), kept in PostgreSQL so every portal
 * process counts the same failures. Two rules, so that guessing cannot lock an account's owner out:
 *
 * - Per client address, a hard limit: `perIp` failures within `windowMs` answer 429 with Retry-After until
 *   the oldest counted failure leaves the window. One address guessing many accounts is stopped outright.
 * - Per account (e-mail), a backoff instead of a lock: the first `perEmail` failures within the window cost
 *   nothing; from then on each attempt must wait after the account's latest failure, `emailDelayMs` after
 *   the `perEmail`-th and twice as long after each further one, at most `emailMaxDelayMs`
 *   (`accountDelayMs`). An attempt during the wait answers 429 with Retry-After and is not counted, so
 *   guesses from any number of addresses never make the wait longer than the maximum: the owner, from an
 *   address of their own, logs in after at most that long.
 *
 * An attempt is recorded before the password is checked and counted with the attempts already recorded,
 * so simultaneous guesses are held to the same rules as guesses in a row. A successful attempt is not a
 * failure, and forgives the account's failures (its backoff starts over) without taking them from the
 * counts of the addresses they came from, except the succeeding address's own.
 */
import type { Models } from "../db/database.js";
import { tooManyRequests } from "../errors.js";

export interface ThrottleLimits {
  /** How long a failure counts. */
  windowMs: number;
  /** Failures for one account within the window before its attempts must wait. */
  perEmail: number;
  /** Failures from one client address within the window; past them it is refused until the oldest leaves it. */
  perIp: number;
  /** The wait after the account's `perEmail`-th failure; each further failure doubles it. Default 1 s. */
  emailDelayMs?: number;
  /** The longest an account's attempts ever wait. Default 60 s. */
  emailMaxDelayMs?: number;
}

/** Production's numbers (README, accounts): documented there, tested in login-throttle.test.ts. */
export const DEFAULT_THROTTLE: Required<ThrottleLimits> = {
  windowMs: 15 * 60 * 1000,
  perEmail: 5,
  perIp: 30,
  emailDelayMs: 1000,
  emailMaxDelayMs: 60 * 1000,
};

export interface Attempt {
  succeeded(): Promise<void>;
}

/**
 * How long after an account's latest failure its next attempt must wait, when it has `failures` failures
 * within the window: 0 below `perEmail`, then `emailDelayMs` doubled per further failure, capped.
 */
export function accountDelayMs(failures: number, limits: ThrottleLimits = DEFAULT_THROTTLE): number {
  const { perEmail, emailDelayMs, emailMaxDelayMs } = { ...DEFAULT_THROTTLE, ...limits };
  if (failures < perEmail) return 0;
  return Math.min(emailDelayMs * 2 ** (failures - perEmail), emailMaxDelayMs);
}

/** Enough of an account's failures to know its delay: more than these all wait the maximum. */
function failuresThatMatter(limits: Required<ThrottleLimits>): number {
  const doublings = limits.emailMaxDelayMs > limits.emailDelayMs ? Math.ceil(Math.log2(limits.emailMaxDelayMs / Math.max(1, limits.emailDelayMs))) : 0;
  return limits.perEmail + doublings + 1;
}

export class LoginThrottle {
  private readonly limits: Required<ThrottleLimits>;

  constructor(
    private readonly models: Models,
    limits: ThrottleLimits = DEFAULT_THROTTLE,
  ) {
    this.limits = { ...DEFAULT_THROTTLE, ...limits };
  }

  /**
   * Records an attempt by `email` from `ip`; throws 429 (and forgets the attempt, which was refused)
   * when the address is past its limit or the account must still wait. The attempt counts as a failure
   * unless `succeeded()` is called.
   */
  async begin(email: string, ip: string): Promise<Attempt> {
    const { LoginFailure } = this.models;
    const attempt = await LoginFailure.query().insertAndFetch({ email, ip });
    // The database's clock, as the rows' own: portal processes on other hosts agree on it.
    const now = attempt.createdAt.getTime();
    const since = new Date(now - this.limits.windowMs);
    const refuse = async (waitMs: number): Promise<never> => {
      await LoginFailure.query().deleteById(attempt.id);
      throw tooManyRequests(Math.max(1, Math.ceil(waitMs / 1000)));
    };

    const fromAddress = await LoginFailure.query()
      .where("ip", ip)
      .where("createdAt", ">", since)
      .where("id", "<", attempt.id)
      .orderBy("id", "desc")
      .limit(this.limits.perIp)
      .select("createdAt");
    if (fromAddress.length >= this.limits.perIp) await refuse(fromAddress[fromAddress.length - 1]!.createdAt.getTime() + this.limits.windowMs - now);

    const forAccount = await LoginFailure.query()
      .where("email", email)
      .whereNull("forgivenAt")
      .where("createdAt", ">", since)
      .where("id", "<", attempt.id)
      .orderBy("id", "desc")
      .limit(failuresThatMatter(this.limits))
      .select("createdAt");
    const delay = accountDelayMs(forAccount.length, this.limits);
    if (delay > 0) {
      const latest = Math.max(...forAccount.map((failure) => failure.createdAt.getTime()));
      if (latest + delay > now) await refuse(latest + delay - now);
    }

    return {
      succeeded: async () => {
        // Not a failure; the account starts over; the addresses that failed for it still count theirs.
        await LoginFailure.query().delete().where({ email, ip });
        await LoginFailure.query()
          .patch({ forgivenAt: new Date(now) })
          .where({ email })
          .whereNull("forgivenAt");
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
