/**
 * A real Prometheus (Debian's `prometheus`) on loopback, in a fresh temporary directory removed on stop:
 * - startPrometheus: loaded with backfilled series: the OpenMetrics text goes through `promtool tsdb
 *   create-blocks-from openmetrics` into the data directory, then Prometheus starts on it with nothing to
 *   scrape, so what it answers is exactly what was loaded;
 * - startScrapingPrometheus: scraping live targets (e.g. kube-state-metrics) every second, so what it
 *   answers is what a real exporter served.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promtool } from "../../../../sdk/src/test-support/tools.js";
import { freePort } from "../db/embedded.js";

export interface RunningPrometheus {
  url: string;
  stop(): Promise<void>;
}

export interface PrometheusTools {
  prometheus: string;
  promtool: string;
}

export async function startPrometheus(tools: PrometheusTools, openMetrics: string): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), "babyhelm-prometheus-"));
  const data = join(dir, "data");
  writeFileSync(join(dir, "series.om"), openMetrics);
  // Nothing to scrape: the backfilled blocks are all it has.
  writeFileSync(join(dir, "prometheus.yml"), "global:\n  scrape_interval: 1m\n");
  try {
    await promtool(tools.promtool, ["tsdb", "create-blocks-from", "openmetrics", "series.om", data], dir);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return await run(tools.prometheus, dir, ["--storage.tsdb.retention.time=100y"]);
}

export interface ScrapeTarget {
  /** The `job` label of its series, e.g. "kube-state-metrics" as kube-prometheus-stack names it. */
  job: string;
  /** host:port; the path is /metrics. */
  address: string;
}

export interface ScrapeOptions {
  /** Default "1s": a test sees a change within a second or two. */
  scrapeInterval?: string;
}

/**
 * Prometheus scraping `targets` over HTTP. Labels the target exports win over the target's own (honor_labels),
 * as kube-prometheus-stack scrapes kube-state-metrics, whose `namespace` and `pod` are those of the objects.
 */
export async function startScrapingPrometheus(prometheus: string, targets: readonly ScrapeTarget[], options: ScrapeOptions = {}): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), "babyhelm-prometheus-"));
  const interval = options.scrapeInterval ?? "1s";
  const config = {
    global: { scrape_interval: interval, scrape_timeout: interval, evaluation_interval: interval },
    // One scrape config per job: targets of the same job are its instances (e.g. two kube-state-metrics replicas).
    scrape_configs: [...new Set(targets.map((target) => target.job))].map((job) => ({
      job_name: job,
      honor_labels: true,
      static_configs: [{ targets: targets.filter((target) => target.job === job).map((target) => target.address) }],
    })),
  };
  // JSON is YAML.
  writeFileSync(join(dir, "prometheus.yml"), JSON.stringify(config, null, 2));
  return await run(prometheus, dir, []);
}

/** Prometheus on `dir`'s prometheus.yml and `dir`/data; answers once it is ready, and removes `dir` on stop. */
async function run(prometheus: string, dir: string, extraArgs: string[]): Promise<RunningPrometheus> {
  const port = await freePort();
  const child = spawn(
    prometheus,
    [`--config.file=${join(dir, "prometheus.yml")}`, `--storage.tsdb.path=${join(dir, "data")}`, `--web.listen-address=127.0.0.1:${port}`, ...extraArgs, "--log.level=warn"],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let output = "";
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`prometheus exited early:\n${output}`);
    }
    const ready = await fetch(`${url}/-/ready`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus was not ready in 30 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, stop };
}
