import { describe, expect, it } from "vitest";
import { checkExpiresAt, EXPIRES_AT_FORMAT, expiryRetryDelayMs, nextExpiryAttempt } from "./rules.js";

const NOW = new Date("2026-12-01T12:00:00Z");

describe("checkExpiresAt", () => {
  it.each([
    ["2026-12-02T12:00:00Z", "2026-12-02T12:00:00.000Z"],
    ["2026-12-02T13:00:00+01:00", "2026-12-02T12:00:00.000Z"],
    ["2026-12-01T07:10-05:00", "2026-12-01T12:10:00.000Z"],
    ["2026-12-01T12:05:00.001Z", "2026-12-01T12:05:00.001Z"],
    ["2027-03-01T12:00:00Z", "2027-03-01T12:00:00.000Z"],
  ])("takes %s as %s", (value, stored) => {
    const checked = checkExpiresAt(value, NOW);
    expect("expiresAt" in checked && checked.expiresAt.toISOString()).toBe(stored);
  });

  it.each([
    ["2026-12-02", EXPIRES_AT_FORMAT],
    ["2026-12-02T12:00:00", EXPIRES_AT_FORMAT],
    ["tomorrow", EXPIRES_AT_FORMAT],
    ["", EXPIRES_AT_FORMAT],
    ["1764590400", EXPIRES_AT_FORMAT],
    ["2027-02-30T12:00:00Z", "is not a time on the calendar"],
    ["2026-12-02T25:00:00Z", EXPIRES_AT_FORMAT],
    ["2026-12-01T11:59:59Z", "is in the past; choose a time at least 5 minutes ahead"],
    ["2026-12-01T12:00:00Z", "is in the past"],
    ["2026-12-01T12:04:59Z", "is less than 5 minutes ahead; choose a later time"],
    ["2027-03-01T12:00:01Z", "is more than 90 days ahead; choose a time until 2027-03-01T12:00:00.000Z"],
  ])("refuses %s: %s", (value, problem) => {
    const checked = checkExpiresAt(value, NOW);
    expect("problem" in checked && checked.problem).toContain(problem);
  });
});

describe("retries of a failed removal", () => {
  it("wait 15 minutes, then twice as long each time, at most 6 hours", () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 50].map((failures) => expiryRetryDelayMs(failures) / 60_000)).toEqual([0, 15, 30, 60, 120, 240, 360, 360, 360]);
  });

  it("start at once when nothing failed, else after the last failure plus the delay", () => {
    expect(nextExpiryAttempt(0, null)).toBeNull();
    expect(nextExpiryAttempt(2, new Date("2026-12-01T12:00:00Z"))?.toISOString()).toBe("2026-12-01T12:30:00.000Z");
  });
});
