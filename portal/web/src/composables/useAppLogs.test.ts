// @vitest-environment happy-dom
/** The log stream's memory: the last 5,000 lines kept of many more, batches appended whole, a reconnect's overlap skipped. */
import { effectScope, watch } from "vue";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { eventually } from "../test-support.js";
import { fakeLogStreams } from "../test-fakes.js";
import { LOG_MAX_LINES, useAppLogs } from "./useAppLogs.js";

let scope = effectScope();
beforeEach(() => {
  scope = effectScope();
});
afterEach(() => {
  scope.stop();
  vi.unstubAllGlobals();
});

const line = (index: number, time = "2030-01-01T10:00:00Z") => ["line", { pod: "web-1", container: "web", text: `line ${index}`, time }] as [string, unknown];
const texts = (entries: { text: string }[]) => entries.map((entry) => entry.text);

describe("useAppLogs", () => {
  it("keeps the last 5,000 lines and counts the ones let go", async () => {
    const streams = fakeLogStreams();
    const logs = scope.run(() => useAppLogs("shop", "web", { flushMs: 0 }))!;
    void logs.start();
    await eventually(() => expect(streams.streams).toHaveLength(1));
    streams.last().sendMany(Array.from({ length: 5_200 }, (_, index) => line(index + 1)));
    streams.last().sendMany(Array.from({ length: 30 }, (_, index) => line(5_201 + index)));
    await eventually(() => expect(logs.received.value).toBe(5_230));
    expect(LOG_MAX_LINES).toBe(5_000);
    expect(logs.entries.value).toHaveLength(5_000);
    expect(logs.dropped.value).toBe(230);
    expect(logs.entries.value[0]!.text).toBe("line 231");
    expect(logs.entries.value.at(-1)!.text).toBe("line 5230");
  });

  it("appends what arrives within flushMs in one go", async () => {
    const streams = fakeLogStreams();
    const logs = scope.run(() => useAppLogs("shop", "web", { flushMs: 50 }))!;
    const changes: number[] = [];
    scope.run(() => watch(logs.entries, (entries) => changes.push(entries.length), { flush: "sync" }));
    void logs.start();
    await eventually(() => expect(streams.streams).toHaveLength(1));
    for (let index = 1; index <= 5; index++) streams.last().send(...line(index));
    await eventually(() => expect(logs.entries.value).toHaveLength(5));
    // One change for the five lines: the view re-renders once, not once a line.
    expect(changes.filter((length) => length > 0)).toEqual([5]);
  });

  it("asks from the last line's second on reconnect and skips the lines it already has", async () => {
    const streams = fakeLogStreams();
    const logs = scope.run(() => useAppLogs("shop", "web", { flushMs: 0 }))!;
    void logs.start();
    await eventually(() => expect(streams.streams).toHaveLength(1));
    const recent = new Date(Date.now() - 30_000).toISOString();
    streams.last().sendMany([line(1, recent), line(2, recent), ["end", { reason: "timeout" }]]);
    streams.last().close();
    await eventually(() => expect(logs.state.value).toBe("ended"));
    expect(logs.endReason.value).toBe("timeout");
    void logs.reconnect();
    await eventually(() => expect(streams.streams).toHaveLength(2));
    const since = Number(streams.last().url.searchParams.get("sinceSeconds"));
    expect(since).toBeGreaterThanOrEqual(31);
    expect(since).toBeLessThan(40);
    streams.last().sendMany([line(1, recent), line(2, recent), line(3, new Date().toISOString())]);
    await eventually(() => expect(logs.received.value).toBe(3));
    expect(texts(logs.entries.value)).toEqual(["line 1", "line 2", "Reconnected.", "line 3"]);
  });
});
