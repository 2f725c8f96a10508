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
import { notify } from "../db/notifications.js";

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
  await notify(trx, AUTH_CHANNEL, userId);
}
