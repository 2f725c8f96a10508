/**
 * A project's metrics: its panels (the SDK's PromQL for its namespace) and its users' own PromQL, confined
 * to its namespace, both through Prometheus' `query_range`.
 */
import type { MetricsAnswer, panelQuery, promqlQuery } from "@babyhelm/sdk/api";
import type { z } from "zod";
import { AppError } from "../errors.js";
import { enforceNamespace, QueryRejected } from "../metrics/enforce.js";
import { chartSeries, PANEL_DEFINITIONS, panelWindow } from "../metrics/panels.js";
import { metricsNotConfigured, Prometheus } from "../metrics/prometheus.js";
import { panelTimeRange, queryTimeRange, type TimeRange } from "../metrics/time-range.js";

/** What GET /api/projects/:name/metrics asks and answers, as the API contract has them. */
export type PanelRequest = z.output<typeof panelQuery>;
export type PanelAnswer = MetricsAnswer;
/** What GET /api/projects/:name/metrics/query asks; the answer is Prometheus' own JSON. */
export type PromqlRequest = z.output<typeof promqlQuery>;

/**
 * Metrics requests one user may have running at once in a portal process: a project page asks for four
 * charts at a time; more than two pages' worth would only take Prometheus' shared query slots from others.
 */
export const MAX_QUERIES_PER_USER = 8;

export class Metrics {
  private readonly prometheus?: Prometheus;
  private readonly running = new Map<string, number>();

  constructor(
    prometheusUrl: string | undefined,
    private readonly grafanaUrl: string | undefined,
    private readonly now: () => number = () => Date.now() / 1000,
  ) {
    this.prometheus = prometheusUrl ? new Prometheus(prometheusUrl) : undefined;
  }

  private connected(): Prometheus {
    if (!this.prometheus) throw metricsNotConfigured();
    return this.prometheus;
  }

  /** `namespace` is the project's name. */
  async panel(namespace: string, request: PanelRequest, signal?: AbortSignal): Promise<PanelAnswer> {
    const prometheus = this.connected();
    const range = panelTimeRange(request, this.now());
    const definition = PANEL_DEFINITIONS[request.panel];
    const window = panelWindow(range.step);
    const scope = { namespace, app: request.app };
    const answers = await Promise.all(
      definition.queries(scope, window).map(async ({ query, suffix }) => chartSeries(await prometheus.queryRange({ query, ...range }, signal), suffix)),
    );
    return {
      panel: request.panel,
      unit: definition.unit,
      ...range,
      window,
      series: answers.flat().sort((a, b) => a.name.localeCompare(b.name)),
      ...(this.grafanaUrl ? { grafanaUrl: this.grafanaLink(namespace, request.app, range) } : {}),
    };
  }

  /** The user's PromQL with the project's namespace enforced; Prometheus' own JSON. */
  async query(namespace: string, input: PromqlRequest, signal?: AbortSignal): Promise<string> {
    const prometheus = this.connected();
    let query: string;
    try {
      query = enforceNamespace(input.query, namespace);
    } catch (error) {
      if (error instanceof QueryRejected) throw new AppError(400, "invalid_query", `query: ${error.message}`, [{ path: "query", message: error.message }]);
      throw error;
    }
    const range = queryTimeRange(input, this.now());
    return prometheus.queryRange({ query, ...range }, signal);
  }

  /** Runs `read` for `userId`, or answers 429 when that user already has MAX_QUERIES_PER_USER running. */
  async forUser<T>(userId: string, read: () => Promise<T>): Promise<T> {
    const running = this.running.get(userId) ?? 0;
    if (running >= MAX_QUERIES_PER_USER) {
      throw new AppError(429, "too_many_queries", `You have ${running} metrics queries running; wait for them to finish.`, undefined, { "Retry-After": "1" });
    }
    this.running.set(userId, running + 1);
    try {
      return await read();
    } finally {
      const left = (this.running.get(userId) ?? 1) - 1;
      if (left === 0) this.running.delete(userId);
      else this.running.set(userId, left);
    }
  }

  /** The platform's dashboards (always there, unlike a project's own, which its spec can turn off). */
  private grafanaLink(namespace: string, app: string | undefined, range: TimeRange): string {
    const base = this.grafanaUrl!.replace(/\/+$/, "");
    const time = `from=${Math.round(range.start * 1000)}&to=${Math.round(range.end * 1000)}`;
    const variables = new URLSearchParams({ "var-namespace": namespace, ...(app ? { "var-app": app } : {}) });
    return `${base}/d/${app ? "babyhelm-app" : "babyhelm-namespaces"}?${variables}&${time}`;
  }

  close(): void {
    this.prometheus?.close();
  }
}
