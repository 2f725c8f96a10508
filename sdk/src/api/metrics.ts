/** A project's metrics: its chart panels, and its members' own PromQL confined to its namespace. */
import { z } from "zod";
import { projectParams } from "./common.js";
import { endpoint } from "./endpoint.js";
import { appNameProblem } from "../spec/names.js";

export const PANELS = ["cpu", "memory", "restarts", "network"] as const;
export type MetricsPanelName = (typeof PANELS)[number];
export const METRICS_UNITS = ["cores", "bytes", "restarts", "bytes/s"] as const;
export type MetricsUnit = (typeof METRICS_UNITS)[number];

const text = z.string({ message: "give it once" });

export const panelQuery = z.strictObject({
  panel: z.enum(PANELS, { message: `must be one of ${PANELS.join(", ")}` }),
  app: text
    .superRefine((value, ctx) => {
      const problem = appNameProblem(value);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .optional(),
  range: text.optional(),
  end: text.optional(),
  step: text.optional(),
});

export const promqlQuery = z.strictObject({
  query: z.string({ message: "is required" }).min(1),
  start: text.optional(),
  end: text.optional(),
  step: text.optional(),
});

export const metricsSeries = z.strictObject({
  name: z.string(),
  labels: z.record(z.string(), z.string()),
  /** [unix seconds, value]; null where Prometheus had no sample. */
  values: z.array(z.tuple([z.number(), z.number().nullable()])),
});
export type MetricsSeries = z.infer<typeof metricsSeries>;

export const metricsAnswer = z
  .strictObject({
    panel: z.enum(PANELS),
    unit: z.enum(METRICS_UNITS),
    range: z.string(),
    /** Unix seconds. */
    start: z.number(),
    end: z.number(),
    /** Seconds. */
    step: z.number(),
    /** The window rates and increases are taken over, a Prometheus duration ("300s"). */
    window: z.string(),
    series: z.array(metricsSeries),
    /** The project's Grafana dashboard, when the portal knows a Grafana. */
    grafanaUrl: z.string().optional(),
  })
  .meta({ id: "MetricsPanel" });
export type MetricsAnswer = z.infer<typeof metricsAnswer>;

export const getMetricsPanel = endpoint({
  id: "getMetricsPanel",
  method: "GET",
  path: "/api/projects/{name}/metrics",
  summary: "One chart panel's series, one per app (409 metrics_not_configured without Prometheus)",
  access: { project: "viewer" },
  params: projectParams,
  query: panelQuery,
  responses: { 200: metricsAnswer },
});

export const queryMetrics = endpoint({
  id: "queryMetrics",
  method: "GET",
  path: "/api/projects/{name}/metrics/query",
  summary: "Run PromQL over a range with the project's namespace enforced; Prometheus' own query_range JSON",
  access: { project: "viewer" },
  params: projectParams,
  query: promqlQuery,
  responses: { 200: z.looseObject({ status: z.string(), data: z.unknown() }) },
});
