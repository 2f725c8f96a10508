/**
 * Expiring projects (preview environments): the pure decisions. What an `expiresAt` may be, when the
 * owners are warned, and how long a failed removal waits before it is tried again. No database here.
 */

/** The earliest an expiry may be set: a little ahead, so a slip of the clock or the form never deletes at once. */
export const EXPIRY_MIN_AHEAD_MS = 5 * 60_000;
/** The latest: 90 days ahead. A longer-lived project should not expire; it can be extended again later. */
export const EXPIRY_MAX_AHEAD_MS = 90 * 24 * 3_600_000;
/** Owners are mailed this long before the expiry (or at once, when it is set closer than that). */
export const EXPIRY_WARNING_MS = 24 * 3_600_000;
/** A failed removal is tried again after 15 minutes, then 30, 1 h, 2 h, 4 h, and then every 6 hours. */
export const EXPIRY_RETRY_BASE_MS = 15 * 60_000;
export const EXPIRY_RETRY_MAX_MS = 6 * 3_600_000;

export const EXPIRES_AT_FORMAT = "must be an ISO 8601 time with an offset, such as 2026-12-24T18:00:00Z or 2026-12-24T19:00:00+01:00, or null for no expiry";

const ISO_WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|z|[+-](\d{2}):(\d{2}))$/;

export type ExpiryCheck = { expiresAt: Date } | { problem: string };

/** Whether `value` may be a project's expiry at `now`: a real time, at least 5 minutes and at most 90 days ahead. */
export function checkExpiresAt(value: string, now: Date): ExpiryCheck {
  const match = ISO_WITH_OFFSET.exec(value.trim());
  const parsed = match ? Date.parse(value.trim()) : Number.NaN;
  if (!match || Number.isNaN(parsed)) return { problem: EXPIRES_AT_FORMAT };
  const [, year, month, day, hour, minute, second, offsetHour, offsetMinute] = match.map(Number) as number[];
  // Date.parse rolls 2026-02-30 over into March: such a date is refused, not reinterpreted.
  const calendar = new Date(Date.UTC(year!, month! - 1, day!));
  if (
    calendar.getUTCMonth() !== month! - 1 ||
    calendar.getUTCDate() !== day! ||
    hour! > 23 ||
    minute! > 59 ||
    (second ?? 0) > 59 ||
    (offsetHour ?? 0) > 23 ||
    (offsetMinute ?? 0) > 59
  ) {
    return { problem: `${EXPIRES_AT_FORMAT} (${value.trim()} is not a time on the calendar)` };
  }
  const ahead = parsed - now.getTime();
  if (ahead <= 0) return { problem: `is in the past; choose a time at least ${minutes(EXPIRY_MIN_AHEAD_MS)} ahead, or null for no expiry` };
  if (ahead < EXPIRY_MIN_AHEAD_MS) return { problem: `is less than ${minutes(EXPIRY_MIN_AHEAD_MS)} ahead; choose a later time` };
  if (ahead > EXPIRY_MAX_AHEAD_MS) {
    const latest = new Date(now.getTime() + EXPIRY_MAX_AHEAD_MS).toISOString();
    return { problem: `is more than ${EXPIRY_MAX_AHEAD_MS / 86_400_000} days ahead; choose a time until ${latest} (it can be extended again later), or null for no expiry` };
  }
  return { expiresAt: new Date(parsed) };
}

/** How long after its `failures`-th failed removal (1, 2, ...) an expired project is tried again. */
export function expiryRetryDelayMs(failures: number, baseMs = EXPIRY_RETRY_BASE_MS, maxMs = EXPIRY_RETRY_MAX_MS): number {
  if (failures <= 0) return 0;
  return Math.min(maxMs, baseMs * 2 ** Math.min(failures - 1, 30));
}

/** When the next removal may start: now when nothing failed yet, else after the last failure plus the delay. */
export function nextExpiryAttempt(failures: number, lastFailureAt: Date | null, baseMs = EXPIRY_RETRY_BASE_MS, maxMs = EXPIRY_RETRY_MAX_MS): Date | null {
  if (failures <= 0 || !lastFailureAt) return null;
  return new Date(lastFailureAt.getTime() + expiryRetryDelayMs(failures, baseMs, maxMs));
}

function minutes(ms: number): string {
  return `${ms / 60_000} minutes`;
}
