import { describe, expect, it } from "vitest";
import { durationText, expiryCountdown, expiryExactTime, expiryInDays, extendedExpiry } from "./expiry.js";

const NOW = new Date("2026-12-01T12:00:00Z");
const at = (ms: number) => new Date(NOW.getTime() + ms).toISOString();
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe("the countdown", () => {
  it.each([
    [2 * DAY + 3 * HOUR + 20 * MINUTE, "Expires in 2 days, 3 hours"],
    [DAY, "Expires in 1 day"],
    [5 * HOUR + MINUTE, "Expires in 5 hours, 1 minute"],
    [HOUR, "Expires in 1 hour"],
    [4 * MINUTE + 30_000, "Expires in 4 minutes"],
    [20_000, "Expires in less than a minute"],
    [-20_000, "Expired just now"],
    [-(10 * MINUTE), "Expired 10 minutes ago"],
  ])("%d ms ahead reads %s", (ms, text) => {
    expect(expiryCountdown(at(ms), NOW)).toBe(text);
  });

  it("says durations in the two largest units", () => {
    expect(durationText(90 * DAY)).toBe("90 days");
    expect(durationText(0)).toBe("less than a minute");
  });

  it("gives the exact time with UTC", () => {
    expect(expiryExactTime("2026-12-24T18:00:00Z")).toContain("(2026-12-24 18:00 UTC)");
  });
});

describe("new times", () => {
  it("extend from the current expiry, or from now once it has passed", () => {
    expect(extendedExpiry(at(3 * HOUR), 1, NOW)).toBe(at(DAY + 3 * HOUR));
    expect(extendedExpiry(at(-HOUR), 7, NOW)).toBe(at(7 * DAY));
    expect(extendedExpiry(null, 1, NOW)).toBe(at(DAY));
  });

  it("never go beyond the API's 90 days", () => {
    expect(extendedExpiry(at(85 * DAY), 7, NOW)).toBeNull();
    expect(extendedExpiry(at(83 * DAY), 7, NOW)).toBe(at(90 * DAY));
  });

  it("for a new project: 1 to 90 whole days", () => {
    expect(expiryInDays(7, NOW)).toEqual({ expiresAt: at(7 * DAY) });
    for (const days of [0, 91, 1.5, Number.NaN]) expect(expiryInDays(days, NOW)).toEqual({ problem: "must be a whole number of days from 1 to 90" });
  });
});
