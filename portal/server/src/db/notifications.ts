/**
 * PostgreSQL LISTEN on a connection of its own, for news between portal processes: credential changes,
 * deployment progress, cancellations. A lost connection is retried with backoff until stopped; `onReset`
 * runs whenever notifications may have been missed (a reconnect), so listeners can fall back to reading.
 */
import pg from "pg";
import type { Logger } from "pino";

export type NotificationHandlers = Record<string, (payload: string) => void>;

export interface Listener {
  stop(): Promise<void>;
}

export async function listen(connectionString: string, handlers: NotificationHandlers, logger: Logger, onReset: () => void = () => {}): Promise<Listener> {
  let client: pg.Client | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  let delayMs = 500;
  const reconnectLater = () => {
    if (stopped) return;
    retry = setTimeout(() => {
      connect().catch((error: unknown) => {
        logger.warn({ err: error, retryInMs: delayMs }, "notification listener cannot reconnect yet");
        reconnectLater();
      });
    }, delayMs);
    delayMs = Math.min(delayMs * 2, 30_000);
  };
  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString, application_name: "babyhelm-listener" });
    next.on("notification", (message) => handlers[message.channel]?.(message.payload ?? ""));
    let failed = false;
    next.on("error", (error) => {
      if (failed) return;
      failed = true;
      logger.warn({ err: error }, "notification listener lost its connection");
      onReset();
      next.end().catch(() => undefined);
      if (client === next) client = undefined;
      reconnectLater();
    });
    try {
      await next.connect();
      for (const channel of Object.keys(handlers)) await next.query(`listen "${channel}"`);
    } catch (error) {
      await next.end().catch(() => undefined);
      throw error;
    }
    client = next;
    delayMs = 500;
    onReset();
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

/** Sends a notification, inside the caller's transaction when there is one (delivered on commit). */
export async function notify(db: { raw(sql: string, bindings: unknown[]): PromiseLike<unknown> }, channel: string, payload: string): Promise<void> {
  await db.raw("select pg_notify(?, ?)", [channel, payload]);
}
