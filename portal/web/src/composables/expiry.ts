/**
 * Expiring projects (preview environments) in words and times: the countdown, the exact time, and the new
 * times Extend and the new-project form send. The limits are the API's (portal/server/src/expiry/rules.ts):
 * at least 5 minutes and at most 90 days ahead.
 */
export const EXPIRY_MAX_DAYS = 90;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? "" : "s"}`;
}

/** "2 days, 3 hours", "5 hours, 10 minutes", "4 minutes", "less than a minute": the two largest units. */
export function durationText(ms: number): string {
  if (ms < MINUTE) return "less than a minute";
  const days = Math.floor(ms / DAY);
  const hours = Math.floor((ms % DAY) / HOUR);
  const minutes = Math.floor((ms % HOUR) / MINUTE);
  if (days > 0) return hours > 0 ? `${plural(days, "day")}, ${plural(hours, "hour")}` : plural(days, "day");
  if (hours > 0) return minutes > 0 ? `${plural(hours, "hour")}, ${plural(minutes, "minute")}` : plural(hours, "hour");
  return plural(minutes, "minute");
}

/** "Expires in 2 days, 3 hours", or "Expired 10 minutes ago" once the time has passed. */
export function expiryCountdown(expiresAt: string, now: Date = new Date()): string {
  const left = new Date(expiresAt).getTime() - now.getTime();
  return left > 0 ? `Expires in ${durationText(left)}` : `Expired ${left > -MINUTE ? "just now" : `${durationText(-left)} ago`}`;
}

/** The exact time, for the tooltip: the reader's local time and UTC. */
export function expiryExactTime(expiresAt: string): string {
  const at = new Date(expiresAt);
  return `${at.toLocaleString(undefined, { dateStyle: "full", timeStyle: "short" })} (${at.toISOString().slice(0, 16).replace("T", " ")} UTC)`;
}

/** The time `days` after the current expiry (or after now, when it has passed); null when beyond the API's maximum. */
export function extendedExpiry(expiresAt: string | null | undefined, days: number, now: Date = new Date()): string | null {
  const from = Math.max(expiresAt ? new Date(expiresAt).getTime() : now.getTime(), now.getTime());
  const at = from + days * DAY;
  return at - now.getTime() > EXPIRY_MAX_DAYS * DAY ? null : new Date(at).toISOString();
}

/** `days` from now, for a new preview environment; a problem in words when it is not a whole number from 1 to 90. */
export function expiryInDays(days: number, now: Date = new Date()): { expiresAt: string } | { problem: string } {
  if (!Number.isInteger(days) || days < 1 || days > EXPIRY_MAX_DAYS) return { problem: `must be a whole number of days from 1 to ${EXPIRY_MAX_DAYS}` };
  return { expiresAt: new Date(now.getTime() + days * DAY).toISOString() };
}
