/**
 * The time arguments of the metrics API, read and bounded before anything reaches Prometheus: at most
 * 11,000 points per series (Prometheus' own limit, reported as a field error instead of its message) and at
 * most 30 days back from the end. Problems are 400s naming the field.
 */
import { invalidRequest, type FieldProblem } from "../errors.js";

export const MAX_POINTS = 11_000;
export const MAX_RANGE_S = 30 * 24 * 3600;
export const MIN_PANEL_RANGE_S = 5 * 60;
/** A panel's default resolution: about this many points, whatever the range. */
const PANEL_POINTS = 240;
const MIN_PANEL_STEP_S = 15;

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800, y: 31_536_000 };
const DURATION = /^((\d{1,9})(ms|s|m|h|d|w|y))+$/;

/** Seconds in a Prometheus duration (`90s`, `1h30m`), or undefined when it is not one. */
export function durationSeconds(text: string): number | undefined {
  if (!DURATION.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) total += Number(amount) * UNIT_SECONDS[unit!]!;
  return total;
}

/** A duration for PromQL, in whole seconds (at least one). */
export function promDuration(seconds: number): string {
  return `${Math.max(1, Math.ceil(seconds))}s`;
}

/** Unix seconds this API takes: from 1970 to the year 5138, so arithmetic on them never overflows. */
const MAX_TIMESTAMP = 99_999_999_999;
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * Unix seconds from `1700000000`, `1700000000.5` or RFC 3339 (`2026-11-26T12:00:00Z`), as Prometheus takes
 * them; undefined for anything else, impossible dates (February 30th, 24:00) included.
 */
export function timestamp(text: string): number | undefined {
  if (/^\d{1,11}(\.\d{1,9})?$/.test(text)) {
    const seconds = Number(text);
    return seconds <= MAX_TIMESTAMP ? seconds : undefined;
  }
  const parts = RFC3339.exec(text);
  if (!parts) return undefined;
  const [year, month, day, hour, minute, second] = parts.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const utc = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // Date.UTC rolls February 30th over into March: a date that does not come back the same did not exist.
  if (
    utc.getUTCFullYear() !== year ||
    utc.getUTCMonth() !== month - 1 ||
    utc.getUTCDate() !== day ||
    utc.getUTCHours() !== hour ||
    utc.getUTCMinutes() !== minute ||
    utc.getUTCSeconds() !== second
  ) {
    return undefined;
  }
  const offsetMinutes = parts[9] ? (parts[9] === "-" ? -1 : 1) * (Number(parts[10]) * 60 + Number(parts[11])) : 0;
  if (Math.abs(offsetMinutes) >= 24 * 60) return undefined;
  const seconds = utc.getTime() / 1000 + Number(parts[7] ?? 0) - offsetMinutes * 60;
  return seconds >= 0 && seconds <= MAX_TIMESTAMP ? seconds : undefined;
}

/** Seconds from `15`, `0.5` or a duration (`1m`), at most 30 days; undefined when neither. */
export function stepSeconds(text: string): number | undefined {
  const seconds = /^\d{1,9}(\.\d{1,9})?$/.test(text) ? Number(text) : durationSeconds(text);
  return seconds !== undefined && seconds <= MAX_RANGE_S ? seconds : undefined;
}

export interface TimeRange {
  start: number;
  end: number;
  step: number;
}

const NOT_A_TIME = "must be unix seconds or an RFC 3339 time such as 2026-11-26T12:00:00Z";
const NOT_A_STEP = "must be a positive number of seconds or a duration such as 30s, at most 30 days";

function checkPoints(range: TimeRange, problems: FieldProblem[]): void {
  if (range.end - range.start > MAX_RANGE_S) problems.push({ path: "start", message: "must be at most 30 days before end" });
  else if ((range.end - range.start) / range.step + 1 > MAX_POINTS) {
    const smallest = Math.ceil((range.end - range.start) / (MAX_POINTS - 1));
    problems.push({ path: "step", message: `gives more than ${MAX_POINTS} points for this range: use at least ${smallest} seconds` });
  }
}

/** `start`, `end` and `step` of the PromQL endpoint; defaults: the last hour, about 240 points. */
export function queryTimeRange(input: { start?: string; end?: string; step?: string }, now: number): TimeRange {
  const problems: FieldProblem[] = [];
  const end = input.end === undefined ? now : timestamp(input.end);
  if (end === undefined) problems.push({ path: "end", message: NOT_A_TIME });
  const start = input.start === undefined ? (end ?? now) - 3600 : timestamp(input.start);
  if (start === undefined) problems.push({ path: "start", message: NOT_A_TIME });
  if (start !== undefined && end !== undefined && start > end) problems.push({ path: "start", message: "must not be after end" });
  const span = start !== undefined && end !== undefined ? end - start : 3600;
  const step = input.step === undefined ? Math.max(1, Math.ceil(span / PANEL_POINTS)) : stepSeconds(input.step);
  if (step === undefined || step <= 0) problems.push({ path: "step", message: NOT_A_STEP });
  if (problems.length === 0) checkPoints({ start: start!, end: end!, step: step! }, problems);
  if (problems.length > 0) throw invalidRequest(problems);
  return { start: start!, end: end!, step: step! };
}

/** `range`, `end` and `step` of a panel: `range` (a duration, 5m to 30d, default 1h) up to `end` (default now). */
export function panelTimeRange(input: { range?: string; end?: string; step?: string }, now: number): TimeRange & { range: string } {
  const problems: FieldProblem[] = [];
  const range = input.range ?? "1h";
  const span = durationSeconds(range);
  if (span === undefined) problems.push({ path: "range", message: "must be a duration such as 1h, 6h, 24h or 7d" });
  else if (span < MIN_PANEL_RANGE_S || span > MAX_RANGE_S) problems.push({ path: "range", message: "must be from 5m to 30d" });
  const end = input.end === undefined ? now : timestamp(input.end);
  if (end === undefined) problems.push({ path: "end", message: NOT_A_TIME });
  const step = input.step === undefined ? Math.max(MIN_PANEL_STEP_S, Math.ceil((span ?? 3600) / PANEL_POINTS)) : stepSeconds(input.step);
  if (step === undefined || step <= 0) problems.push({ path: "step", message: NOT_A_STEP });
  if (problems.length === 0) checkPoints({ start: end! - span!, end: end!, step: step! }, problems);
  if (problems.length > 0) throw invalidRequest(problems);
  return { range, start: end! - span!, end: end!, step: step! };
}
