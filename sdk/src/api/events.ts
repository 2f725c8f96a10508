/**
 * Server-sent events read with fetch (Node, scripts, the CLI): a parser of `text/event-stream` bodies and
 * `followDeployment`, an async iterator over a deployment's events (`GET .../deployments/{id}/events`)
 * that resumes after the last event it saw when the connection drops, and ends with the `end` event.
 * fetch rather than EventSource: a refused request shows its status and error body (a PortalApiError).
 */
import { fillPath, PortalApiError, type FetchTransportOptions } from "./client.js";
import { deploymentEvents, type DeploymentStatus, type DeploymentSummary } from "./deployments.js";

export interface ServerSentEvent {
  /** `message` when the server named none. */
  event: string;
  data: string;
  /** The last `id:` the stream gave (what Last-Event-ID resumes after), or null. */
  id: string | null;
}

/** Splits a stream into events as the HTML standard's parser does: fields per line, an event per blank line. */
export class ServerSentEventParser {
  private buffer = "";
  private event = "";
  private data: string[] = [];
  private id: string | null = null;
  /** The reconnection delay the server asked for with `retry:`, if it did. */
  retryMs: number | undefined;

  /** Takes the next piece of text; answers the events it completed. */
  push(chunk: string): ServerSentEvent[] {
    const events: ServerSentEvent[] = [];
    this.buffer += chunk;
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      // A lone \r at the end may be the first half of \r\n: wait for the next chunk.
      if (!match || (match[0] === "\r" && match.index === this.buffer.length - 1)) return events;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      const event = this.line(line);
      if (event) events.push(event);
    }
  }

  private line(line: string): ServerSentEvent | undefined {
    if (line === "") {
      const complete = this.data.length > 0 ? { event: this.event || "message", data: this.data.join("\n"), id: this.id } : undefined;
      this.event = "";
      this.data = [];
      return complete;
    }
    if (line.startsWith(":")) return undefined;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? "" : line.slice(colon + (line[colon + 1] === " " ? 2 : 1));
    if (field === "event") this.event = value;
    else if (field === "data") this.data.push(value);
    else if (field === "id" && !value.includes("\0")) this.id = value;
    else if (field === "retry" && /^\d+$/.test(value)) this.retryMs = Number(value);
    return undefined;
  }
}

/** The events of a fetched `text/event-stream` body, as they arrive; `parser` keeps what `retry:` asked for. */
export async function* readServerSentEvents(body: ReadableStream<Uint8Array>, parser = new ServerSentEventParser()): AsyncGenerator<ServerSentEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      yield* parser.push(decoder.decode(value, { stream: true }));
    }
  } finally {
    // An iterator left early (or a read that failed) lets the connection go.
    await reader.cancel().catch(() => undefined);
  }
}

/** A deployment's progress, as the portal stores it (secret values never appear). */
export type DeploymentProgress =
  | { kind: "resource"; op: string; type: string; name: string; status: "started" | "done" | "failed" }
  | { kind: "diagnostic"; severity: string; message: string }
  | { kind: "summary"; changes: Record<string, number> };

/** One event of a deployment's stream; `end` is the last. */
export type DeploymentStreamEvent =
  | { type: "progress"; progress: DeploymentProgress }
  | { type: "output"; line: string }
  | { type: "status"; deployment: DeploymentSummary }
  | { type: "end"; status: DeploymentStatus };

export interface FollowDeploymentOptions extends FetchTransportOptions {
  project: string;
  id: string;
  /** A connection that brings nothing for this long is dropped and opened again (the portal sends a keep-alive every 15 s); default 60 s. */
  idleTimeoutMs?: number;
  /** Connections in a row that may fail before the error is thrown; default 5. */
  reconnects?: number;
  /** Stops following (the iterator then ends without `end`). */
  signal?: AbortSignal;
}

class StreamDropped extends Error {}

/**
 * Follows a deployment until it has finished: every stored event, then new ones as they come, resuming
 * after the last event seen (Last-Event-ID) when the connection drops. An error answer (404, 403) throws a
 * PortalApiError at once; a connection that keeps failing throws its last error after `reconnects` tries.
 */
export async function* followDeployment(options: FollowDeploymentOptions): AsyncGenerator<DeploymentStreamEvent> {
  const { baseUrl, token, fetch: send = fetch, idleTimeoutMs = 60_000, reconnects = 5, signal } = options;
  const url = baseUrl.replace(/\/+$/, "") + fillPath(deploymentEvents.path, { name: options.project, id: options.id });
  let lastEventId: string | null = null;
  let retryMs = 2_000;
  let failures = 0;
  for (;;) {
    if (signal?.aborted) return;
    const connection = new AbortController();
    let idle: NodeJS.Timeout | undefined;
    const touch = () => {
      clearTimeout(idle);
      idle = setTimeout(() => connection.abort(new StreamDropped(`no event or keep-alive for ${idleTimeoutMs / 1000} s`)), idleTimeoutMs);
    };
    const stop = () => connection.abort(new StreamDropped("stopped"));
    signal?.addEventListener("abort", stop, { once: true });
    let problem: unknown;
    const parser = new ServerSentEventParser();
    try {
      touch();
      const headers: Record<string, string> = { accept: "text/event-stream" };
      if (token) headers.authorization = `Bearer ${token}`;
      if (lastEventId !== null) headers["last-event-id"] = lastEventId;
      const response = await send(url, { headers, signal: connection.signal });
      if (!response.ok) {
        const type = response.headers.get("content-type") ?? "";
        throw PortalApiError.fromAnswer(response.status, type.includes("json") ? await response.json().catch(() => undefined) : undefined);
      }
      if (!response.body) throw new StreamDropped("the answer has no body");
      for await (const event of readServerSentEvents(response.body, parser)) {
        touch();
        failures = 0;
        if (event.id !== null) lastEventId = event.id;
        const parsed = deploymentEventOf(event);
        if (!parsed) continue;
        yield parsed;
        if (parsed.type === "end") return;
      }
      problem = new StreamDropped("the portal closed the stream before the deployment ended");
    } catch (error) {
      if (error instanceof PortalApiError) throw error;
      problem = connection.signal.aborted && connection.signal.reason instanceof StreamDropped ? connection.signal.reason : error;
    } finally {
      clearTimeout(idle);
      signal?.removeEventListener("abort", stop);
    }
    if (parser.retryMs !== undefined) retryMs = parser.retryMs;
    if (signal?.aborted) return;
    if (++failures > reconnects) throw problem;
    await new Promise((resolve) => setTimeout(resolve, retryMs));
  }
}

function deploymentEventOf(event: ServerSentEvent): DeploymentStreamEvent | undefined {
  let data: unknown;
  try {
    data = JSON.parse(event.data);
  } catch {
    return undefined;
  }
  const record = (data ?? {}) as Record<string, unknown>;
  switch (event.event) {
    case "progress":
      return { type: "progress", progress: record as DeploymentProgress };
    case "output":
      return typeof record.line === "string" ? { type: "output", line: record.line } : undefined;
    case "status":
      return { type: "status", deployment: record as DeploymentSummary };
    case "end":
      return { type: "end", status: record.status as DeploymentStatus };
    default:
      return undefined;
  }
}
