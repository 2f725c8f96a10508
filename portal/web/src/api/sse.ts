/**
 * A reader of text/event-stream bodies, for answers fetched rather than opened with EventSource: fetch shows
 * the HTTP status and error body of a refused request (EventSource only says "error") and never reconnects
 * on its own, which for a log stream would replay the tail as duplicate lines.
 */

export interface ServerSentEvent {
  event: string;
  data: string;
  id: string | null;
}

/** Splits a stream into events as the HTML spec's parser does: fields per line, an event per blank line. */
export class EventStreamParser {
  private buffer = "";
  private event = "";
  private data: string[] = [];
  private id: string | null = null;

  constructor(private readonly emit: (event: ServerSentEvent) => void) {}

  push(chunk: string): void {
    this.buffer += chunk;
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      // A lone \r at the end may be the first half of \r\n: wait for the next chunk.
      if (!match || (match[0] === "\r" && match.index === this.buffer.length - 1)) return;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      this.line(line);
    }
  }

  private line(line: string): void {
    if (line === "") {
      if (this.data.length > 0) this.emit({ event: this.event || "message", data: this.data.join("\n"), id: this.id });
      this.event = "";
      this.data = [];
      return;
    }
    if (line.startsWith(":")) return;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") this.event = value;
    else if (field === "data") this.data.push(value);
    else if (field === "id") this.id = value;
  }
}

/** Reads a fetched body to its end, handing each complete chunk's events over together so callers can batch. */
export async function readEventStream(body: ReadableStream<Uint8Array>, onEvents: (events: ServerSentEvent[]) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let batch: ServerSentEvent[] = [];
  const parser = new EventStreamParser((event) => batch.push(event));
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.push(decoder.decode(value, { stream: true }));
      if (batch.length > 0) {
        const events = batch;
        batch = [];
        onEvents(events);
      }
    }
  } finally {
    reader.releaseLock();
  }
}
