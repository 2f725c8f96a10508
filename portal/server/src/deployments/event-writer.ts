/**
 * Persists a deployment's progress in batches (one insert per batch, not per line) and tells live streams
 * that there is more. Secret values that slip into engine output are replaced before anything is stored.
 */
import type { Database } from "../db/database.js";
import { notify } from "../db/notifications.js";
import { DEPLOYMENT_EVENTS_CHANNEL } from "./channels.js";

const BATCH_SIZE = 100;
const FLUSH_AFTER_MS = 200;

export class EventWriter {
  private pending: { type: string; data: Record<string, unknown> }[] = [];
  private sequence = 0;
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Database,
    private readonly deploymentId: string,
    private readonly secrets: string[],
  ) {}

  private scrub(text: string): string {
    return this.secrets.reduce((result, secret) => result.split(secret).join("[secret]"), text);
  }

  add(type: string, data: Record<string, unknown>): void {
    this.pending.push({ type, data: JSON.parse(this.scrub(JSON.stringify(data))) as Record<string, unknown> });
    if (this.pending.length >= BATCH_SIZE) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_AFTER_MS);
  }

  /** Writes what is pending; calls are serialised so sequence numbers stay in order. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    this.flushing = this.flushing.then(async () => {
      if (batch.length === 0) return;
      const rows = batch.map((event) => ({ deploymentId: this.deploymentId, sequence: ++this.sequence, type: event.type, data: event.data }));
      await this.db.models.DeploymentEvent.query().insert(rows);
      await notify(this.db.knex, DEPLOYMENT_EVENTS_CHANNEL, this.deploymentId);
    });
    return this.flushing;
  }
}
