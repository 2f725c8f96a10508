import { describe, expect, it } from "vitest";
import { readEventStream, ServerSentEventParser, type ServerSentEvent } from "./sse.js";

describe("ServerSentEventParser", () => {
  it("splits events across chunks and line endings, as the spec says", () => {
    const events: ServerSentEvent[] = [];
    const parser = new ServerSentEventParser();
    for (const chunk of [": hello\n", "event: line\nda", 'ta: {"text":"a"}\r', "\n\r\n", "event: notice\ndata:one\ndata: two\nid: 9\n\n", "data: no type\n\n", "event: empty\n\n"])
      events.push(...parser.push(chunk));
    expect(events).toEqual([
      { event: "line", data: '{"text":"a"}', id: null },
      { event: "notice", data: "one\ntwo", id: "9" },
      { event: "message", data: "no type", id: "9" },
    ]);
  });

  it("hands over each chunk's events together, and multi-byte characters split between chunks whole", async () => {
    const bytes = new TextEncoder().encode('event: line\ndata: "héllo"\n\nevent: line\ndata: "b"\n\n');
    const split = bytes.indexOf(0xc3) + 1;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, split));
        controller.enqueue(bytes.slice(split));
        controller.close();
      },
    });
    const batches: string[][] = [];
    await readEventStream(body, (events) => batches.push(events.map((event) => event.data)));
    expect(batches).toEqual([['"héllo"', '"b"']]);
  });
});
