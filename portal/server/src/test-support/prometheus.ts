/**
 * A real Prometheus (Debian's `prometheus`) on loopback, loaded with backfilled series: the OpenMetrics text
 * goes through `promtool tsdb create-blocks-from openmetrics` into a fresh data directory, then Prometheus
 * starts on it with nothing to scrape, so what it answers is exactly what was loaded.
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
  await promtool(tools.promtool, ["tsdb", "create-blocks-from", "openmetrics", "series.om", data], dir);
  const port = await freePort();
  const child = spawn(
    tools.prometheus,
    [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${data}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--storage.tsdb.retention.time=100y",
      "--log.level=warn",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let output = "";
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) child.kill("SIGTERM");
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`prometheus exited early:\n${output}`);
    }
    const ready = await fetch(`${url}/-/ready`).then((response) => response.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus was not ready in 30 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, stop };
}
