/**
 * Authenticated requests are most requests; looking the credential up in PostgreSQL twice per request would
 * make the database the portal's speed limit. This cache keeps recent credential -> user lookups in memory,
 * keyed by the credential (it never leaves the process, which holds it anyway while serving a request).
 *
 * It is never trusted past a change: whatever ends a session or changes a user drops that user's entries
 * here at once, and announces it (PostgreSQL NOTIFY, inside the same transaction) to every other portal
 * process, which drops them too. If that announcement is ever lost (a dropped connection), the short TTL
 * bounds how long a stale entry can live, and a reconnect clears everything.
 */
import type { Knex } from "knex";
import pg from "pg";
import type { Logger } from "pino";

export const AUTH_CHANNEL = "babyhelm_auth";

interface Entry<V> {
  value: V;
  userId: string;
  cachedAt: number;
}

export class AuthCache<V> {
  private readonly entries = new Map<string, Entry<V>>();

  constructor(
    private readonly ttlMs = 30_000,
    private readonly maxEntries = 10_000,
  ) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (Date.now() - entry.cachedAt > this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, userId: string, value: V): void {
    if (this.entries.size >= this.maxEntries) {
      // Maps iterate in insertion order: the first key is the oldest entry.
      this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(key, { value, userId, cachedAt: Date.now() });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  dropUser(userId: string): void {
    for (const [key, entry] of this.entries) if (entry.userId === userId) this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}

/** Tells every portal process (this one included, once it commits) that a user's credentials changed. */
export async function announceAuthChange(trx: Knex | Knex.Transaction, userId: string): Promise<void> {
  await trx.raw("select pg_notify(?, ?)", [AUTH_CHANNEL, userId]);
}

/**
 * Listens for announcements on a connection of its own and drops the users they name. A lost connection
 * clears the cache (announcements may have been missed) and is retried, with backoff, until stopped.
 */
export async function listenForAuthChanges(connectionString: string, cache: AuthCache<unknown>, logger: Logger): Promise<{ stop(): Promise<void> }> {
  let client: pg.Client | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  let delayMs = 500;
  const reconnectLater = () => {
    if (stopped) return;
    retry = setTimeout(() => {
      connect().catch((error: unknown) => {
        logger.warn({ err: error, retryInMs: delayMs }, "auth change listener cannot reconnect yet");
        reconnectLater();
      });
    }, delayMs);
    delayMs = Math.min(delayMs * 2, 30_000);
  };
  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString, application_name: "babyhelm-auth-listener" });
    next.on("notification", (message) => message.payload && cache.dropUser(message.payload));
    let failed = false;
    next.on("error", (error) => {
      if (failed) return;
      failed = true;
      logger.warn({ err: error }, "auth change listener lost its connection");
      cache.clear();
      next.end().catch(() => undefined);
      if (client === next) client = undefined;
      reconnectLater();
    });
    try {
      await next.connect();
      await next.query(`listen ${AUTH_CHANNEL}`);
    } catch (error) {
      await next.end().catch(() => undefined);
      throw error;
    }
    client = next;
    delayMs = 500;
    cache.clear();
  };
  await connect();
  return {
    async stop() {
      stopped = true;
      clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}
