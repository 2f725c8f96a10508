import { describe, expect, it } from "vitest";
import { filterLogs, logsAsText, logsFileName, podColours, podLabel } from "./logView.js";
import type { LogEntry } from "./useAppLogs.js";

const entries: LogEntry[] = [
  { seq: 1, kind: "line", pod: "web-5d8-aaaaa", container: "web", text: "GET /health 200", time: "2030-01-01T10:00:00Z" },
  { seq: 2, kind: "line", pod: "web-5d8-bbbbb", container: "web", text: "ERROR database is down", time: null },
  { seq: 3, kind: "notice", text: "Pod web-5d8-bbbbb ended.", time: "2030-01-01T10:00:05Z" },
];

describe("the log view's helpers", () => {
  it("searches text, pod and container without regard to case, and filters by pod", () => {
    expect(filterLogs(entries, "error", null).map((entry) => entry.seq)).toEqual([2]);
    expect(filterLogs(entries, "BBBBB", null).map((entry) => entry.seq)).toEqual([2, 3]);
    expect(filterLogs(entries, "", "web-5d8-aaaaa").map((entry) => entry.seq)).toEqual([1, 3]);
    expect(filterLogs(entries, "  ", null)).toBe(entries);
  });

  it("labels pods without the app's name and keeps each pod's colour", () => {
    expect(podLabel("web-5d8-aaaaa", "web")).toBe("5d8-aaaaa");
    expect(podLabel("webby-1", "web")).toBe("webby-1");
    expect([...podColours(entries).entries()]).toEqual([
      ["web-5d8-aaaaa", 0],
      ["web-5d8-bbbbb", 1],
    ]);
  });

  it("writes what was received as text, a line each", () => {
    expect(logsAsText(entries)).toBe(
      "2030-01-01T10:00:00Z [web-5d8-aaaaa/web] GET /health 200\n- [web-5d8-bbbbb/web] ERROR database is down\n2030-01-01T10:00:05Z --- Pod web-5d8-bbbbb ended.\n",
    );
    expect(logsAsText([])).toBe("");
    expect(logsFileName("shop", "web", new Date("2030-01-02T03:04:05.678Z"))).toBe("shop-web-logs-20300102T030405Z.txt");
  });
});
