/**
 * The toolchain's kube-state-metrics (built from its Go module by `npm run toolchain`) against a cluster,
 * on a free loopback port: it lists and watches the cluster's objects and serves their kube_* series on
 * /metrics, as the platform's kube-state-metrics does. It writes no file (logs go to stderr, kept for errors);
 * stop() kills it and waits for it.
 */
import { spawn } from "node:child_process";
import { findBinary } from "../../../../toolchain/tools.mjs";
import { IN_CI } from "../../../../sdk/src/test-support/tools.js";
import { freePort } from "../db/embedded.js";

export interface RunningKubeStateMetrics {
  /** host:port of its metrics, for a scrape config. */
  address: string;
  /** Its /metrics. */
  url: string;
  stop(): Promise<void>;
}

export interface KubeStateMetricsOptions {
  /** Extra Kubernetes labels exported as label_* (its --metric-labels-allowlist entries, e.g. "pods=[app]"). */
  metricLabelsAllowlist?: readonly string[];
  /** How long to wait for /metrics to answer. Default 30 s. */
  readyTimeoutMs?: number;
}

/** The built binary; throws under CI=true when it is missing, else warns and returns undefined (skip). */
export function kubeStateMetricsBinary(): string | undefined {
  const path = findBinary("kube-state-metrics");
  if (!path && IN_CI) throw new Error("CI=true: kube-state-metrics is not built: build it with `npm run toolchain`");
  if (!path) console.warn("skipping tests that need kube-state-metrics: build it with `npm run toolchain`");
  return path;
}

export async function startKubeStateMetrics(binary: string, kubeconfig: string, options: KubeStateMetricsOptions = {}): Promise<RunningKubeStateMetrics> {
  const [port, telemetryPort] = [await freePort(), await freePort()];
  const child = spawn(
    binary,
    [
      `--kubeconfig=${kubeconfig}`,
      "--host=127.0.0.1",
      `--port=${port}`,
      "--telemetry-host=127.0.0.1",
      `--telemetry-port=${telemetryPort}`,
      ...(options.metricLabelsAllowlist?.length ? [`--metric-labels-allowlist=${options.metricLabelsAllowlist.join(",")}`] : []),
      "--v=1",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
  const address = `127.0.0.1:${port}`;
  const url = `http://${address}/metrics`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
  };
  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(`kube-state-metrics exited early:\n${output}`);
    }
    // Answered once its informers have synced: before that /metrics holds none of the cluster's objects.
    const ready = await fetch(url).then(
      async (response) => response.ok && (await response.text()).includes("kube_namespace_created"),
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`kube-state-metrics did not serve /metrics in ${(options.readyTimeoutMs ?? 30_000) / 1000} s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { address, url, stop };
}
