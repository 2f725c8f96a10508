/**
 * Persists a deployment's progress in batches (one insert per batch, not per line) and tells live streams
 * that there is more. Secret values that slip into engine output are replaced before anything is stored.
 */
import type { Database } from "../db/database.js";
import { notify } from "../db/notifications.js";
import { DEPLOYMENT_EVENTS_CHANNEL } from "./channels.js";

const BATCH_SIZE = 100;
const FLUSH_AFTER_MS = 200;
export const SECRET_MASK = "[secret]";

/** Replaces every secret value inside a string. */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  return secrets.reduce((result, secret) => result.split(secret).join(SECRET_MASK), text);
}

/** Masks the strings inside an event's data, keys included; the structure itself is never re-parsed. */
export function maskEventData<T>(value: T, secrets: readonly string[]): T {
  if (typeof value === "string") return maskSecrets(value, secrets) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => maskEventData(item, secrets)) as T;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [maskSecrets(key, secrets), maskEventData(item, secrets)])) as T;
  }
  return value;
}

export class EventWriter {
  private pending: { type: string; data: Record<string, unknown> }[] = [];
  private sequence = 0;
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  /**
   * `onError` hears about a batch that could not be stored (the database is down, or the deployment was
   * deleted under the run); writing never throws, because it happens inside the engine's output stream.
   */
  constructor(
    private readonly db: Database,
    private readonly deploymentId: string,
    private readonly secrets: string[],
    private readonly onError: (error: unknown) => void,
  ) {}

  add(type: string, data: Record<string, unknown>): void {
    this.pending.push({ type, data: maskEventData(data, this.secrets) });
    if (this.pending.length >= BATCH_SIZE) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_AFTER_MS);
  }

  /** Writes what is pending; calls are serialised so sequence numbers stay in order. Never rejects. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    this.flushing = this.flushing.then(async () => {
      if (batch.length === 0) return;
      const rows = batch.map((event) => ({ deploymentId: this.deploymentId, sequence: ++this.sequence, type: event.type, data: event.data }));
      try {
        await this.db.models.DeploymentEvent.query().insert(rows);
        await notify(this.db.knex, DEPLOYMENT_EVENTS_CHANNEL, this.deploymentId);
      } catch (error) {
        this.onError(error);
      }
    });
    return this.flushing;
  }
}
