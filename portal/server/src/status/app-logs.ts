/**
 * The logs of one app: its pods (selected by the app's label in the project's namespace, nothing a request
 * can widen), merged and labelled by pod, once or followed, and always bounded.
 */
import type { IncomingMessage } from "node:http";
import type { V1Pod } from "@kubernetes/client-node";
import { AppError } from "../errors.js";
import type { ClusterReader } from "./cluster-reader.js";
import { openPodLog, PodLogRefused } from "./pod-log-request.js";

export interface LogRequest {
  tailLines: number;
  sinceSeconds?: number;
  pod?: string;
  container?: string;
  previous: boolean;
  follow: boolean;
}

export interface LogLine {
  pod: string;
  container: string;
  text: string;
  time: string | null;
}

/** done: every pod's log was read; limit: the line or byte bound was reached; timeout: a follow ran its longest. */
export type LogEnd = "done" | "limit" | "timeout";

export interface LogSink {
  line(line: LogLine): void;
  notice(message: string): void;
  end(reason: LogEnd): void;
}

export interface LogLimits {
  /** Lines one answer carries at most, over all pods. */
  maxLines: number;
  /** Bytes of log text one answer carries at most. */
  maxBytes: number;
  /** How long one follow stays open. */
  maxFollowMs: number;
  /** How often a follow looks for new pods of the app (a rollout's). */
  podScanMs: number;
}

export const LOG_LIMITS: LogLimits = { maxLines: 20_000, maxBytes: 5 * 1024 * 1024, maxFollowMs: 30 * 60_000, podScanMs: 5_000 };

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})) ?/;

/** A line as the API server sends it with `timestamps=true`. */
export function parseLogLine(raw: string): { time: string | null; text: string } {
  const match = TIMESTAMP.exec(raw);
  if (!match) return { time: null, text: raw };
  const date = new Date(match[1]!);
  return { time: Number.isNaN(date.getTime()) ? null : date.toISOString(), text: raw.slice(match[0].length) };
}

function containerOf(pod: V1Pod, requested: string | undefined, app: string): string {
  const names = pod.spec?.containers.map((container) => container.name) ?? [];
  if (requested === undefined) return names.includes(app) ? app : (names[0] ?? app);
  if (!names.includes(requested)) {
    throw new AppError(400, "invalid_request", `container: "${requested}" is not a container of the app's pods; they have ${names.join(", ")}.`, [
      { path: "container", message: `must be one of ${names.join(", ")}` },
    ]);
  }
  return requested;
}

/** Splits a byte stream into lines; a line cut off at the end is delivered when the stream ends. */
function onLines(stream: IncomingMessage, each: (line: string) => void, end: () => void): void {
  let rest = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    const parts = (rest + chunk).split("\n");
    rest = parts.pop() ?? "";
    for (const part of parts) each(part);
  });
  const finish = () => {
    if (rest) each(rest);
    rest = "";
    end();
  };
  stream.on("end", finish);
  // An aborted or broken connection ends this pod's log; it never reaches the process as an uncaught error.
  stream.on("error", finish);
}

export class AppLogs {
  constructor(
    private readonly reader: ClusterReader,
    private readonly limits: LogLimits = LOG_LIMITS,
  ) {}

  /**
   * Starts reading; resolves with a function that stops it, once the app's pods and the request are known
   * to be valid (a bad pod or container is refused before anything is sent). `sink.end` is called once.
   */
  async open(namespace: string, app: string, request: LogRequest, sink: LogSink): Promise<() => void> {
    const all = await this.reader.appPods(namespace, app);
    if (request.pod !== undefined && !all.some((pod) => pod.metadata?.name === request.pod)) {
      throw new AppError(
        404,
        "pod_not_found",
        `pod: "${request.pod}" is not a pod of app "${app}"; its pods are ${all.map((pod) => pod.metadata?.name).join(", ") || "none right now"}.`,
        [{ path: "pod", message: "is not a pod of this app" }],
      );
    }
    const chosen = (pods: V1Pod[]) => pods.filter((pod) => request.pod === undefined || pod.metadata?.name === request.pod);
    const initial = chosen(all);
    for (const pod of initial) containerOf(pod, request.container, app);

    const controller = new AbortController();
    const reading = new Set<string>();
    const seen = new Set<string>();
    const buffered: LogLine[] = [];
    let [lines, bytes, ended] = [0, 0, false];
    let scanTimer: NodeJS.Timeout | undefined;
    let followTimer: NodeJS.Timeout | undefined;

    const finish = (reason: LogEnd) => {
      if (ended) return;
      ended = true;
      clearTimeout(scanTimer);
      clearTimeout(followTimer);
      controller.abort();
      // A one-off read is merged by time, so the pods' lines interleave as they happened.
      buffered.sort((a, b) => (a.time ?? "").localeCompare(b.time ?? ""));
      for (const line of buffered) sink.line(line);
      sink.end(reason);
    };
    const deliver = (line: LogLine) => {
      if (ended) return;
      lines += 1;
      bytes += Buffer.byteLength(line.text);
      if (lines > this.limits.maxLines || bytes > this.limits.maxBytes) return finish("limit");
      if (request.follow) sink.line(line);
      else buffered.push(line);
    };
    const settle = () => {
      if (!request.follow && reading.size === 0) finish("done");
    };
    const read = async (pod: V1Pod, fromStart: boolean) => {
      const name = pod.metadata!.name!;
      reading.add(name);
      seen.add(name);
      try {
        const container = containerOf(pod, request.container, app);
        const stream = await openPodLog(
          this.reader.kube,
          namespace,
          name,
          {
            container,
            follow: request.follow,
            previous: request.previous,
            // A pod that appears during a follow is read from its start: all of it is new.
            ...(fromStart ? {} : { tailLines: request.tailLines, sinceSeconds: request.sinceSeconds }),
            limitBytes: this.limits.maxBytes,
          },
          controller.signal,
        );
        onLines(
          stream,
          (raw) => deliver({ pod: name, container, ...parseLogLine(raw) }),
          () => {
            reading.delete(name);
            if (request.follow && !ended) sink.notice(`${name}: the log ended (the container stopped or the pod is gone).`);
            settle();
          },
        );
      } catch (error) {
        reading.delete(name);
        if (ended) return;
        if (error instanceof PodLogRefused || error instanceof AppError) sink.notice(`${name}: ${error.message}`);
        else sink.notice(`${name}: the log could not be read (${(error as Error).message}).`);
        settle();
      }
    };
    const scan = async () => {
      try {
        for (const pod of chosen(await this.reader.appPods(namespace, app))) {
          const name = pod.metadata?.name;
          if (!name || seen.has(name) || ended) continue;
          sink.notice(`${name}: a new pod of ${app}.`);
          void read(pod, true);
        }
      } catch {
        // The next scan tries again; the logs already flowing are unaffected.
      }
      if (!ended) scanTimer = setTimeout(scan, this.limits.podScanMs);
    };

    if (initial.length === 0) sink.notice(`${app} has no pods right now.`);
    for (const pod of initial) void read(pod, false);
    if (request.follow) {
      followTimer = setTimeout(() => finish("timeout"), this.limits.maxFollowMs);
      if (request.pod === undefined) scanTimer = setTimeout(scan, this.limits.podScanMs);
    } else {
      settle();
    }
    return () => finish("done");
  }
}
