import { describe, expect, it } from "vitest";
import { alignSeries, appOf, durationSeconds, formatSeconds, formatValue, isEmpty, latestValue } from "./metricsFormat.js";

describe("metric figures for people", () => {
  it("writes CPU in millicores below a core, cores above", () => {
    expect(formatValue("cores", 0.5)).toBe("500 millicores");
    expect(formatValue("cores", 0.0123)).toBe("12.3 millicores");
    expect(formatValue("cores", 1)).toBe("1 core");
    expect(formatValue("cores", 2.345)).toBe("2.35 cores");
    expect(formatValue("cores", 0)).toBe("0 cores");
    expect(formatValue("cores", 0.25, "short")).toBe("250m");
    expect(formatValue("cores", 1.5, "short")).toBe("1.5");
  });

  it("writes memory and traffic in powers of 1024", () => {
    expect(formatValue("bytes", 200 * 2 ** 20)).toBe("200 MiB");
    expect(formatValue("bytes", 1.5 * 2 ** 30)).toBe("1.5 GiB");
    expect(formatValue("bytes", 512)).toBe("512 B");
    expect(formatValue("bytes/s", 2000)).toBe("1.95 KiB/s");
    expect(formatValue("bytes/s", 3 * 2 ** 20)).toBe("3 MiB/s");
    expect(formatValue("bytes/s", 0)).toBe("0 B/s");
  });

  it("counts restarts, one decimal at most", () => {
    expect(formatValue("restarts", 0)).toBe("0 restarts");
    expect(formatValue("restarts", 1.03)).toBe("1 restart");
    expect(formatValue("restarts", 2)).toBe("2 restarts");
    expect(formatValue("restarts", 2, "short")).toBe("2");
  });

  it("writes steps and windows in seconds, minutes or hours", () => {
    expect(formatSeconds(15)).toBe("15 s");
    expect(formatSeconds(90)).toBe("90 s");
    expect(formatSeconds(300)).toBe("5 min");
    expect(formatSeconds(2520)).toBe("42 min");
    expect(formatSeconds(7200)).toBe("2 h");
    expect(durationSeconds("300s")).toBe(300);
    expect(durationSeconds("5m")).toBe(300);
    expect(durationSeconds("1h30m")).toBeUndefined();
  });

  it("says nothing for a missing figure", () => {
    expect(formatValue("cores", Number.NaN)).toBe("—");
  });
});

describe("series", () => {
  const web = {
    name: "web",
    labels: { namespace: "alpha", app: "web" },
    values: [
      [60, 1],
      [120, 2],
      [180, null],
    ] as [number, number | null][],
  };
  const api = {
    name: "api receive",
    labels: { namespace: "alpha" },
    values: [
      [0, 5],
      [120, 6],
    ] as [number, number | null][],
  };

  it("finds the latest value that exists", () => {
    expect(latestValue(web)).toEqual({ time: 120, value: 2 });
    expect(latestValue({ ...web, values: [[0, null]] })).toBeUndefined();
    expect(isEmpty([{ ...web, values: [] }])).toBe(true);
    expect(isEmpty([web])).toBe(false);
  });

  it("names the app of a series", () => {
    expect(appOf(web)).toBe("web");
    expect(appOf(api)).toBe("api");
  });

  it("lines series up on one time axis", () => {
    expect(alignSeries([web, api])).toEqual([
      [0, 60, 120, 180],
      [null, 1, 2, null],
      [5, null, 6, null],
    ]);
  });
});
