/** The one place the portal talks to Prometheus: `query_range`, with a time-out, and its errors as ours. */
import { Agent, request } from "node:http";
import { request as httpsRequest, Agent as HttpsAgent } from "node:https";
import { AppError } from "../errors.js";

/** Prometheus stops evaluating after this; we stop waiting a little later. */
export const QUERY_TIMEOUT_S = 30;
const RESPONSE_LIMIT_BYTES = 64 << 20;

export interface RangeQuery {
  query: string;
  /** Unix seconds. */
  start: number;
  end: number;
  /** Seconds. */
  step: number;
}

export const metricsNotConfigured = () =>
  new AppError(
    503,
    "metrics_not_configured",
    "No Prometheus is connected to this portal: set PROMETHEUS_URL to your Prometheus' address (e.g. http://prometheus-operated.monitoring:9090, which the platform stack installs) and restart the portal.",
  );
const unavailable = (why: string) => new AppError(502, "prometheus_unavailable", `Prometheus did not answer (${why}); try again in a moment.`);

/**
 * Prometheus over keep-alive connections: a new connection per chart would cost more than the query.
 * Responses are streamed in as text and handed on untouched.
 */
export class Prometheus {
  private readonly base: URL;
  private readonly agent: Agent;

  constructor(url: string) {
    this.base = new URL(url.endsWith("/") ? url : `${url}/`);
    this.agent = this.base.protocol === "https:" ? new HttpsAgent({ keepAlive: true, maxSockets: 32 }) : new Agent({ keepAlive: true, maxSockets: 32 });
  }

  /**
   * Runs a range query; answers Prometheus' own JSON, as it sent it. Its errors (bad query, too many points,
   * time-out) are 400s with its message.
   */
  async queryRange(range: RangeQuery, signal?: AbortSignal): Promise<string> {
    const parameters = new URLSearchParams({
      query: range.query,
      start: String(range.start),
      end: String(range.end),
      step: String(range.step),
      timeout: `${QUERY_TIMEOUT_S}s`,
    }).toString();
    const { status, body } = await this.get(`api/v1/query_range?${parameters}`, signal);
    if (status === 200) return body;
    let parsed: { status?: string; errorType?: string; error?: string } | undefined;
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = undefined;
    }
    if (parsed?.status === "error" && typeof parsed.error === "string" && status < 500) {
      throw new AppError(400, "invalid_query", `Prometheus: ${parsed.error}`, { errorType: parsed.errorType });
    }
    if (parsed?.status === "error" && parsed.errorType === "timeout") {
      throw new AppError(400, "query_timeout", `Prometheus: ${parsed.error}; ask for a shorter range or a larger step.`, { errorType: parsed.errorType });
    }
    throw unavailable(`status ${status}`);
  }

  close(): void {
    this.agent.destroy();
  }

  // GET, not POST: Prometheus answers it measurably faster, and a query is at most MAX_QUERY_LENGTH long.
  private get(path: string, signal?: AbortSignal): Promise<{ status: number; body: string }> {
    const url = new URL(path, this.base);
    const send = url.protocol === "https:" ? httpsRequest : request;
    return new Promise((resolve, reject) => {
      const outgoing = send(
        url,
        {
          agent: this.agent,
          headers: { accept: "application/json" },
          timeout: (QUERY_TIMEOUT_S + 5) * 1000,
        },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size > RESPONSE_LIMIT_BYTES) {
              response.destroy();
              reject(new AppError(400, "result_too_large", "The result is larger than 64 MiB: aggregate it (sum by, topk) or ask for a larger step."));
              return;
            }
            chunks.push(chunk);
          });
          response.on("end", () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
          response.on("error", (error) => reject(unavailable(error.message)));
        },
      );
      outgoing.on("timeout", () => outgoing.destroy(new Error("timed out")));
      // Prometheus stops evaluating a query whose client has gone.
      signal?.addEventListener("abort", () => outgoing.destroy(new Error("aborted")), { once: true });
      outgoing.on("error", (error) => reject(error instanceof AppError ? error : unavailable(error.message)));
      outgoing.end();
    });
  }
}
