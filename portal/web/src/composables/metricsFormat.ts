/**
 * How metrics read on the page: figures in units people use (millicores, MiB, KiB/s), each series' latest
 * value for the text summary, and the series lined up on one time axis for the chart.
 */
import type { MetricsSeries, MetricsUnit } from "@babyhelm/sdk/api";

const significant = new Intl.NumberFormat("en", { maximumSignificantDigits: 3 });
const BINARY = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

/** 1536 -> "1.5 KiB": powers of 1024, as Kubernetes writes memory, three significant digits. */
function binary(bytes: number): string {
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < BINARY.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${bytes < 0 ? "-" : ""}${significant.format(value)} ${BINARY[unit]}`;
}

/**
 * A figure for people. `long` is for sentences and the summary ("500 millicores", "1 restart"); `short` for
 * chart axes ("500m", "1.5").
 */
export function formatValue(unit: MetricsUnit | string, value: number, style: "long" | "short" = "long"): string {
  if (!Number.isFinite(value)) return "—";
  switch (unit) {
    case "cores": {
      if (value !== 0 && Math.abs(value) < 1) return style === "long" ? `${significant.format(value * 1000)} millicores` : `${significant.format(value * 1000)}m`;
      if (style === "short") return significant.format(value);
      return `${significant.format(value)} ${value === 1 ? "core" : "cores"}`;
    }
    case "bytes":
      return binary(value);
    case "bytes/s":
      return `${binary(value)}/s`;
    case "restarts": {
      // increase() extrapolates, so a single restart can read 1.03; one decimal is as precise as it gets.
      const rounded = Math.round(value * 10) / 10;
      if (style === "short") return String(rounded);
      return `${rounded} ${rounded === 1 ? "restart" : "restarts"}`;
    }
    default:
      return `${significant.format(value)} ${unit}`;
  }
}

/** 15 -> "15 s", 300 -> "5 min", 7200 -> "2 h": a step or a window, for sentences. */
export function formatSeconds(seconds: number): string {
  if (seconds < 120) return `${significant.format(seconds)} s`;
  if (seconds < 7200) return `${significant.format(seconds / 60)} min`;
  return `${significant.format(seconds / 3600)} h`;
}

/** Seconds in a simple Prometheus duration ("300s", "5m", "1h"), or undefined. */
export function durationSeconds(duration: string | undefined): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(s|m|h|d)$/.exec(duration ?? "");
  return match ? Number(match[1]) * { s: 1, m: 60, h: 3600, d: 86_400 }[match[2] as "s" | "m" | "h" | "d"] : undefined;
}

/** The newest sample that has a value, or undefined when the series has none in the range. */
export function latestValue(series: MetricsSeries): { time: number; value: number } | undefined {
  for (let index = series.values.length - 1; index >= 0; index -= 1) {
    const [time, value] = series.values[index]!;
    if (value !== null && Number.isFinite(value)) return { time, value };
  }
  return undefined;
}

/** True when no series has a single value: nothing to draw yet. */
export function isEmpty(series: MetricsSeries[]): boolean {
  return series.every((one) => latestValue(one) === undefined);
}

/** The app a series belongs to (its `app` label; network series are named "<app> receive"). */
export function appOf(series: MetricsSeries): string {
  return series.labels.app ?? series.name.split(" ")[0] ?? series.name;
}

/** Every series on one time axis (the union of their timestamps), null where a series has no sample: uPlot's data. */
export function alignSeries(series: MetricsSeries[]): [number[], ...(number | null)[][]] {
  const times = [...new Set(series.flatMap((one) => one.values.map(([time]) => time)))].sort((a, b) => a - b);
  const position = new Map(times.map((time, index) => [time, index]));
  const columns = series.map((one) => {
    const column: (number | null)[] = new Array(times.length).fill(null);
    for (const [time, value] of one.values) column[position.get(time)!] = value === null || !Number.isFinite(value) ? null : value;
    return column;
  });
  return [times, ...columns];
}

/** A steady colour per app, the same in every chart of a panel. */
export const PALETTE = ["#3556d4", "#d9480f", "#2b8a3e", "#ae3ec9", "#0c8599", "#e67700", "#c2255c", "#5c940d"];
