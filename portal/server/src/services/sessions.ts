/** Server-side sessions: the cookie holds a random token, the database its keyed hash. */
import type { Knex } from "knex";
import type { Models } from "../db/database.js";
import type { Session } from "../models/Session.js";
import type { User } from "../models/User.js";
import { randomToken, tokenHash } from "./tokens.js";

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

  /** The live session of a cookie token, renewed (sliding) when it has not been for a while. */
  async authenticate(token: string): Promise<{ session: Session; user: User } | undefined> {
    const session = await this.models.Session.query().findOne({ tokenHash: tokenHash(this.secret, token) });
    const now = Date.now();
    if (!session || session.expiresAt.getTime() <= now || session.absoluteExpiresAt.getTime() <= now) return undefined;
    const user = await this.models.User.query().findById(session.userId);
    if (!user) return undefined;
    if (now - session.lastSeenAt.getTime() > RENEW_AFTER_MS) {
      const expiresAt = new Date(Math.min(now + SESSION_IDLE_MS, session.absoluteExpiresAt.getTime()));
      await this.models.Session.query().patch({ lastSeenAt: new Date(now), expiresAt }).findById(session.id);
      session.lastSeenAt = new Date(now);
      session.expiresAt = expiresAt;
    }
    return { session, user };
  }

  async revoke(sessionId: string): Promise<void> {
    await this.models.Session.query().deleteById(sessionId);
  }

  /** Ends every session of the user except `keep` (the one that made the request, if any). */
  async revokeAllOf(userId: string, keep?: string, trx?: Knex.Transaction): Promise<number> {
    const query = this.models.Session.query(trx).delete().where({ userId });
    if (keep) query.whereNot({ id: keep });
    return query;
  }
}
