import { describe, expect, it } from "vitest";
import { PortalApiError } from "./client.js";
import { followDeployment, ServerSentEventParser, type DeploymentStreamEvent } from "./events.js";

/** A fetched answer whose body gives these chunks, then ends. */
function streamAnswer(chunks: string[], status = 200, contentType = "text/event-stream"): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
  return new Response(body, { status, headers: { "content-type": contentType } });
}

describe("ServerSentEventParser", () => {
  it("splits events across chunks and line endings, skips comments, and keeps the id and retry", () => {
    const parser = new ServerSentEventParser();
    expect(parser.push("retry: 500\n\n: keep-alive\n\nid: 3\nevent: out")).toEqual([]);
    expect(parser.retryMs).toBe(500);
    expect(parser.push('put\ndata: {"line":"a"}\r')).toEqual([]);
    expect(parser.push("\n\r\ndata: two\ndata: lines\n\n")).toEqual([
      { event: "output", data: '{"line":"a"}', id: "3" },
      { event: "message", data: "two\nlines", id: "3" },
    ]);
  });
});

describe("followDeployment", () => {
  it("resumes after the last event id when the stream drops, and ends with end", async () => {
    const requests: Array<Record<string, string>> = [];
    const answers = [
      streamAnswer(['retry: 1\n\nid: 1\nevent: output\ndata: {"line":"+ Namespace shop"}\n\n']),
      streamAnswer([
        'id: 2\nevent: progress\ndata: {"kind":"diagnostic","severity":"warning","message":"w"}\n\n',
        'event: status\ndata: {"id":"7","status":"succeeded"}\n\nevent: end\ndata: {"status":"succeeded"}\n\n',
      ]),
    ];
    const fetchStub = (async (url: string | URL, init?: RequestInit) => {
      expect(String(url)).toBe("http://portal.test/api/projects/shop/deployments/7/events");
      requests.push(init!.headers as Record<string, string>);
      return answers.shift()!;
    }) as typeof fetch;
    const events: DeploymentStreamEvent[] = [];
    for await (const event of followDeployment({ baseUrl: "http://portal.test/", token: "bh_t", project: "shop", id: "7", fetch: fetchStub })) events.push(event);
    expect(events).toEqual([
      { type: "output", line: "+ Namespace shop" },
      { type: "progress", progress: { kind: "diagnostic", severity: "warning", message: "w" } },
      { type: "status", deployment: { id: "7", status: "succeeded" } },
      { type: "end", status: "succeeded" },
    ]);
    expect(requests).toEqual([
      { accept: "text/event-stream", authorization: "Bearer bh_t" },
      { accept: "text/event-stream", authorization: "Bearer bh_t", "last-event-id": "1" },
    ]);
  });

  it("throws the portal's error answer at once", async () => {
    const fetchStub = (async () =>
      new Response(JSON.stringify({ error: { code: "not_found", message: 'Project "nope" was not found.' } }), {
        status: 404,
        headers: { "content-type": "application/json" },
      })) as typeof fetch;
    const events = followDeployment({ baseUrl: "http://portal.test", project: "nope", id: "1", fetch: fetchStub });
    await expect(events.next()).rejects.toEqual(new PortalApiError(404, "not_found", 'Project "nope" was not found.'));
  });

  it("gives up after the reconnects allowed, with the last reason", async () => {
    let calls = 0;
    const fetchStub = (async () => {
      calls++;
      return streamAnswer(["retry: 1\n\n"]);
    }) as typeof fetch;
    const events = followDeployment({ baseUrl: "http://portal.test", project: "shop", id: "1", fetch: fetchStub, reconnects: 2 });
    await expect(events.next()).rejects.toThrow("the portal closed the stream before the deployment ended");
    expect(calls).toBe(3);
  });
});
