/**
 * An app's logs, streamed: what was received is kept (the last `maxLines`, older ones dropped and counted),
 * and appended in batches (at most every `flushMs`) so a chatty app re-renders the view a few times a second,
 * not once a line. The stream ends when the server says so (`end`: done, limit, timeout), when the
 * connection drops, or when stopped; `connect` again picks up after the last line received.
 */
import { MAX_SINCE_SECONDS, type LogEndReason, type LogQuery } from "@babyhelm/sdk/api";
import { onScopeDispose, ref, shallowRef, toValue, type MaybeRefOrGetter } from "vue";
import { ApiError, errorMessage } from "../api/errors.js";
import { streamAppLogs, type LogStreamEvent } from "../api/logs.js";

export const LOG_MAX_LINES = 5_000;
export const LOG_TAIL_LINES = 500;

export type LogEntry =
  { seq: number; kind: "line"; pod: string; container: string; text: string; time: string | null } | { seq: number; kind: "notice"; text: string; time: string | null };

export type LogState = "idle" | "connecting" | "streaming" | "ended" | "interrupted" | "stopped" | "failed";

/** Where the lines come from: every pod live, or one pod's previous (crashed) container run. */
export interface LogSource {
  pod?: string;
  previous?: boolean;
}

export interface AppLogsOptions {
  maxLines?: number;
  tailLines?: number;
  flushMs?: number;
}

const key = (pod: string, container: string, time: string | null, text: string) => `${pod}\u0000${container}\u0000${time}\u0000${text}`;

export function useAppLogs(project: MaybeRefOrGetter<string>, app: MaybeRefOrGetter<string>, options: AppLogsOptions = {}) {
  const maxLines = options.maxLines ?? LOG_MAX_LINES;
  const flushMs = options.flushMs ?? 100;
  const entries = shallowRef<LogEntry[]>([]);
  /** Lines let go of to stay within maxLines. */
  const dropped = ref(0);
  const received = ref(0);
  const state = ref<LogState>("idle");
  const endReason = ref<LogEndReason | null>(null);
  const error = ref<ApiError | null>(null);
  const follow = ref(true);
  const source = ref<LogSource>({});

  let controller: AbortController | undefined;
  let pending: LogEntry[] = [];
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  let seq = 0;
  let lastTime: string | null = null;
  /** After a reconnect, lines of the overlap second already shown, skipped once each. */
  let overlap = new Set<string>();

  function flush() {
    clearTimeout(flushTimer);
    flushTimer = undefined;
    if (pending.length === 0) return;
    const next = entries.value.concat(pending);
    pending = [];
    const excess = next.length - maxLines;
    if (excess > 0) dropped.value += excess;
    entries.value = excess > 0 ? next.slice(excess) : next;
  }

  function scheduleFlush() {
    if (flushMs <= 0) flush();
    else flushTimer ??= setTimeout(flush, flushMs);
  }

  function notice(text: string) {
    pending.push({ seq: ++seq, kind: "notice", text, time: new Date().toISOString() });
  }

  function take(events: LogStreamEvent[]) {
    for (const event of events) {
      if (event.type === "line") {
        const { pod, container, text, time } = event.line;
        if (overlap.size > 0) {
          const seen = key(pod, container, time, text);
          if (overlap.delete(seen)) continue;
        }
        received.value++;
        if (time) lastTime = time;
        pending.push({ seq: ++seq, kind: "line", pod, container, text, time });
      } else if (event.type === "notice") {
        notice(event.notice.message);
      } else {
        endReason.value = event.end.reason;
      }
    }
    scheduleFlush();
  }

  function query(resume: boolean): LogQuery {
    const { pod, previous } = source.value;
    const base: LogQuery = { ...(pod ? { pod } : {}), ...(previous ? { previous: true } : {}), follow: follow.value && !previous };
    if (!resume) return { ...base, tailLines: options.tailLines ?? LOG_TAIL_LINES };
    if (lastTime) {
      // sinceSeconds is whole seconds: ask from the second of the last line and skip what is already here.
      const since = Math.min(MAX_SINCE_SECONDS, Math.max(1, Math.ceil((Date.now() - Date.parse(lastTime)) / 1000) + 1));
      const from = Date.parse(lastTime) - 1000;
      overlap = new Set(
        entries.value
          .concat(pending)
          .flatMap((entry) => (entry.kind === "line" && entry.time && Date.parse(entry.time) >= from ? [key(entry.pod, entry.container, entry.time, entry.text)] : [])),
      );
      return { ...base, sinceSeconds: since };
    }
    // No line carried a time: nothing to resume from but a short tail, which may repeat a few lines.
    return { ...base, tailLines: 10 };
  }

  async function open(resume: boolean): Promise<void> {
    controller?.abort();
    const current = new AbortController();
    controller = current;
    state.value = "connecting";
    endReason.value = null;
    error.value = null;
    if (resume) notice("Reconnected.");
    const q = query(resume);
    let opened = false;
    try {
      await streamAppLogs(
        toValue(project),
        toValue(app),
        q,
        (events) => {
          if (controller === current) take(events);
        },
        current.signal,
        () => {
          opened = true;
          if (controller === current) state.value = "streaming";
        },
      );
      if (controller !== current) return;
      flush();
      state.value = endReason.value ? "ended" : "interrupted";
    } catch (caught) {
      if (controller !== current) return;
      flush();
      if (current.signal.aborted) return;
      // A connection that breaks mid-stream is an interruption; one refused from the start is a failure.
      if (opened && !(caught instanceof ApiError)) state.value = "interrupted";
      else {
        error.value = caught instanceof ApiError ? caught : new ApiError(0, "unknown", errorMessage(caught));
        state.value = "failed";
      }
    } finally {
      if (controller === current) controller = undefined;
    }
  }

  /** A fresh start: what was received is let go and the tail read again. */
  function start(next: LogSource = source.value) {
    source.value = next;
    clear();
    received.value = 0;
    lastTime = null;
    overlap = new Set();
    return open(false);
  }

  /** Picks up after the last line received, keeping what is on screen. */
  function reconnect() {
    return open(received.value > 0);
  }

  function stop() {
    if (!controller) return;
    controller.abort();
    controller = undefined;
    flush();
    state.value = "stopped";
  }

  /** Empties the view; a reconnect still picks up after the last line received. */
  function clear() {
    flush();
    entries.value = [];
    dropped.value = 0;
  }

  onScopeDispose(() => {
    controller?.abort();
    controller = undefined;
    clearTimeout(flushTimer);
  });

  return { entries, dropped, received, state, endReason, error, follow, source, maxLines, start, reconnect, stop, clear };
}
