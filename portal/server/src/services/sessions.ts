/** Server-side sessions: the cookie holds a random token, the database its keyed hash. */
import type { Knex } from "knex";
import type { Models } from "../db/database.js";
import type { Session } from "../models/Session.js";
import type { User } from "../models/User.js";
import { announceAuthChange, type AuthCache } from "./auth-cache.js";
import { randomToken, tokenHash } from "./tokens.js";

/** What a credential resolves to; cached by the credential's hash. */
export interface Credential {
  user: User;
  session?: Session;
}

export const SESSION_COOKIE = "bh_session";
const DAY = 24 * 60 * 60 * 1000;
/** A session not used for this long ends. */
export const SESSION_IDLE_MS = 7 * DAY;
/** No session lives longer than this, however active. */
export const SESSION_ABSOLUTE_MS = 30 * DAY;
/** Renewing on every request would write on every request; once in a while is enough for a 7-day window. */
const RENEW_AFTER_MS = 5 * 60 * 1000;

export class Sessions {
  constructor(
    private readonly models: Models,
    private readonly secret: string,
    private readonly cache: AuthCache<Credential>,
  ) {}

  async create(user: User, details: { userAgent?: string; ip?: string }, trx?: Knex.Transaction): Promise<{ token: string; session: Session }> {
    const token = randomToken();
    const now = Date.now();
    const session = await this.models.Session.query(trx).insertAndFetch({
      userId: user.id,
      tokenHash: tokenHash(this.secret, token),
      expiresAt: new Date(now + SESSION_IDLE_MS),
      absoluteExpiresAt: new Date(now + SESSION_ABSOLUTE_MS),
      userAgent: details.userAgent?.slice(0, 500) ?? null,
      ip: details.ip ?? null,
    });
    return { token, session };
  }

  /**
   * The live session of a cookie token, renewed (sliding) when it has not been for a while; `renewed` tells
   * the caller to send the cookie again with its new lifetime.
   */
  async authenticate(token: string): Promise<{ session: Session; user: User; renewed: boolean } | undefined> {
    // Keyed by the token itself, which this process holds anyway while it serves the request: a cache hit
    // then costs no HMAC (whose native objects weigh on the garbage collector at thousands per second).
    const key = `session:${token}`;
    let found = this.cache.get(key);
    if (!found) {
      const session = await this.models.Session.query().findOne({ tokenHash: tokenHash(this.secret, token) });
      const user = session && (await this.models.User.query().findById(session.userId));
      if (!session || !user) return undefined;
      found = { session, user };
      this.cache.set(key, user.id, found);
    }
    const { session, user } = found;
    const now = Date.now();
    if (session!.expiresAt.getTime() <= now || session!.absoluteExpiresAt.getTime() <= now) {
      this.cache.delete(key);
      return undefined;
    }
    let renewed = false;
    if (now - session!.lastSeenAt.getTime() > RENEW_AFTER_MS) {
      const expiresAt = new Date(Math.min(now + SESSION_IDLE_MS, session!.absoluteExpiresAt.getTime()));
      const updated = await this.models.Session.query()
        .patch({ lastSeenAt: new Date(now), expiresAt })
        .where({ id: session!.id });
      // The session was ended meanwhile (by another process): it is gone, whatever the cache said.
      if (updated === 0) {
        this.cache.delete(key);
        return undefined;
      }
      session!.lastSeenAt = new Date(now);
      session!.expiresAt = expiresAt;
      renewed = true;
    }
    return { session: session!, user, renewed };
  }

  async revoke(session: Session): Promise<void> {
    await this.models.Session.query().deleteById(session.id);
    this.cache.dropUser(session.userId);
    await announceAuthChange(this.models.Session.knex(), session.userId);
  }

  /**
   * Ends every session of the user except `keep` (the one that made the request, if any), and announces it
   * to the other portal processes when `trx` commits. Call `forgetUser` after the commit.
   */
  async revokeAllOf(userId: string, keep?: string, trx?: Knex.Transaction): Promise<number> {
    const query = this.models.Session.query(trx).delete().where({ userId });
    if (keep) query.whereNot({ id: keep });
    const revoked = await query;
    await announceAuthChange(trx ?? this.models.Session.knex(), userId);
    return revoked;
  }

  /** Drops what this process cached about the user; their next request reads the database. */
  forgetUser(userId: string): void {
    this.cache.dropUser(userId);
  }
}
