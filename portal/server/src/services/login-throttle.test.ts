/**
 * The throttle's numbers as production runs them (README, "Throttling"); its behaviour against a real
 * portal and PostgreSQL is in accounts.test.ts.
 */
import { describe, expect, it } from "vitest";
import { accountDelayMs, DEFAULT_THROTTLE } from "./login-throttle.js";

describe("the login throttle's production numbers", () => {
  it("are a 15-minute window, 30 failures per client address, and per account 5 free failures", () => {
    expect(DEFAULT_THROTTLE).toEqual({ windowMs: 15 * 60_000, perIp: 30, perEmail: 5, emailDelayMs: 1000, emailMaxDelayMs: 60_000 });
  });

  it("make an account's attempts wait 1 s after its 5th failure, doubling per failure, never more than a minute", () => {
    const seconds = Array.from({ length: 14 }, (_, failures) => accountDelayMs(failures) / 1000);
    expect(seconds).toEqual([0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60, 60]);
    expect(accountDelayMs(10_000)).toBe(60_000);
  });

  it("take the small numbers a test configures, filling the rest from production's", () => {
    expect(accountDelayMs(6, { windowMs: 60_000, perEmail: 3, perIp: 8, emailDelayMs: 10, emailMaxDelayMs: 50 })).toBe(50);
    expect(accountDelayMs(4, { windowMs: 60_000, perEmail: 3, perIp: 8, emailDelayMs: 10, emailMaxDelayMs: 50 })).toBe(20);
    expect(accountDelayMs(3, { windowMs: 60_000, perEmail: 3, perIp: 8 })).toBe(1000);
  });
});
