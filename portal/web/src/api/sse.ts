/**
 * A reader of text/event-stream bodies, for answers fetched rather than opened with EventSource: fetch shows
 * the HTTP status and error body of a refused request (EventSource only says "error") and never reconnects
 * on its own, which for a log stream would replay the tail as duplicate lines.
 */

import { ServerSentEventParser, type ServerSentEvent } from "@babyhelm/sdk/api";

// The parser is the SDK's, which the CLI reads deployments with too.
export { ServerSentEventParser, type ServerSentEvent };

/** Reads a fetched body to its end, handing each complete chunk's events over together so callers can batch. */
export async function readEventStream(body: ReadableStream<Uint8Array>, onEvents: (events: ServerSentEvent[]) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = new ServerSentEventParser();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const events = parser.push(decoder.decode(value, { stream: true }));
      if (events.length > 0) onEvents(events);
    }
  } finally {
    reader.releaseLock();
  }
}
