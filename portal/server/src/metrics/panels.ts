/**
 * The charts of the project and app pages: which queries of the SDK's PromQL library each panel runs, and
 * Prometheus' matrices turned into chart-ready series (numbers, `null` where Prometheus has NaN or ±Inf).
 */
import { promql } from "@babyhelm/sdk";
import type { MetricsPanelName, MetricsUnit } from "@babyhelm/sdk/api";
import { promDuration } from "./time-range.js";

export interface PanelQuery {
  /** Prepended to each series' app name, e.g. "receive" for "web receive". */
  suffix?: string;
  query: string;
}

export interface PanelDefinition {
  unit: MetricsUnit;
  /** The window rates and increases are taken over: at least 5 minutes, and at least a step, so no sample is skipped. */
  queries(scope: promql.QueryScope, window: string): PanelQuery[];
}

/** One per panel of the API contract (`PANELS`). */
export const PANEL_DEFINITIONS: Record<MetricsPanelName, PanelDefinition> = {
  cpu: { unit: "cores", queries: (scope, window) => [{ query: promql.cpuCoresUsed(scope, { window }) }] },
  memory: { unit: "bytes", queries: (scope) => [{ query: promql.memoryWorkingSetBytes(scope) }] },
  restarts: { unit: "restarts", queries: (scope, window) => [{ query: promql.containerRestarts(scope, { range: window }) }] },
  network: {
    unit: "bytes/s",
    queries: (scope, window) => [
      { suffix: "receive", query: promql.networkReceiveBytesPerSecond(scope, { window }) },
      { suffix: "transmit", query: promql.networkTransmitBytesPerSecond(scope, { window }) },
    ],
  },
};

export function panelWindow(stepSeconds: number): string {
  return promDuration(Math.max(300, stepSeconds));
}

export interface ChartSeries {
  name: string;
  labels: Record<string, string>;
  values: [number, number | null][];
}

interface Matrix {
  status: string;
  data: { resultType: string; result: { metric: Record<string, string>; values: [number, string][] }[] };
}

/** Prometheus' `query_range` JSON as chart series. */
export function chartSeries(body: string, suffix?: string): ChartSeries[] {
  const matrix = JSON.parse(body) as Matrix;
  if (matrix.data.resultType !== "matrix") return [];
  return matrix.data.result.map((series) => {
    const app = series.metric.app ?? "all apps";
    return {
      name: suffix ? `${app} ${suffix}` : app,
      labels: suffix ? { ...series.metric, direction: suffix } : series.metric,
      values: series.values.map(([time, value]): [number, number | null] => {
        const number = Number(value);
        return [time, Number.isFinite(number) ? number : null];
      }),
    };
  });
}
