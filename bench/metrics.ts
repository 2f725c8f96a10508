/**
 * Metrics figure, against its baseline in the same run: p50 latency of a panel (CPU of every app, one hour)
 * through the portal vs the very same query sent to Prometheus directly (target ratio <= 1.3). Both are
 * read to the last byte by the same client; rounds alternate, so a noisy neighbour slows both.
 */
import { promql } from "@babyhelm/sdk";
import { panelWindow } from "../portal/server/src/metrics/panels.js";
import { metricsFixture } from "../portal/server/src/test-support/metrics-fixture.js";
import { startPrometheus, type RunningPrometheus } from "../portal/server/src/test-support/prometheus.js";
import { findExecutable } from "../sdk/src/test-support/tools.js";
import { median, type BenchResult } from "./measure.js";
import { login, startServers } from "./portal.js";

const ROUNDS = 5;
const REQUESTS_PER_ROUND = 100;

/** Starts Prometheus with the two-tenant fixture; undefined (and says why) when it is not installed. */
export async function startBenchPrometheus(): Promise<{ prometheus: RunningPrometheus; end: number } | undefined> {
  const prometheus = findExecutable("prometheus");
  const promtool = findExecutable("promtool");
  if (!prometheus || !promtool) {
    console.log("metrics: skipped, Prometheus is not installed (apt-get install -y prometheus)");
    return undefined;
  }
  const end = Math.floor(Date.now() / 60_000) * 60 - 120;
  return { prometheus: await startPrometheus({ prometheus, promtool }, metricsFixture(end).openMetrics), end };
}

async function timed(url: string, headers: Record<string, string>): Promise<number> {
  const started = performance.now();
  const response = await fetch(url, { headers });
  await response.text();
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return performance.now() - started;
}

export async function benchMetrics(): Promise<BenchResult[]> {
  const started = await startBenchPrometheus();
  if (!started) return [];
  const { prometheus, end } = started;
  const { servers, stop } = await startServers({ PROMETHEUS_URL: prometheus.url });
  try {
    const cookie = (await login(servers)).headers.getSetCookie()[0]!.split(";")[0]!;
    const post = async (path: string, body: unknown) => {
      const response = await fetch(`${servers.portal}${path}`, { method: "POST", headers: { cookie, "content-type": "application/json" }, body: JSON.stringify(body) });
      if (response.status !== 201) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
    };
    await post("/api/projects", { name: "alpha", quota: { cpu: "1", memory: "1Gi" } });
    await post("/api/projects/alpha/apps", { name: "web", image: "nginx:1.27", port: 80 });
    await post("/api/projects/alpha/apps", { name: "api", image: "nginx:1.27", port: 80 });

    const step = 15;
    const throughPortal = `${servers.portal}/api/projects/alpha/metrics?panel=cpu&range=1h&end=${end}&step=${step}`;
    const query = promql.cpuCoresUsed({ namespace: "alpha" }, { window: panelWindow(step) });
    const direct = `${prometheus.url}/api/v1/query_range?${new URLSearchParams({ query, start: String(end - 3600), end: String(end), step: String(step) })}`;
    for (let warm = 0; warm < 50; warm++) {
      await timed(throughPortal, { cookie });
      await timed(direct, {});
    }
    const ratios: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const portalSamples: number[] = [];
      const directSamples: number[] = [];
      for (let request = 0; request < REQUESTS_PER_ROUND; request++) {
        directSamples.push(await timed(direct, {}));
        portalSamples.push(await timed(throughPortal, { cookie }));
      }
      const portalP50 = median(portalSamples);
      const directP50 = median(directSamples);
      ratios.push(portalP50 / directP50);
      console.log(
        `metrics panel (CPU, 1 h, 241 points), round ${round + 1}: portal p50 ${portalP50.toFixed(2)} ms, Prometheus directly p50 ${directP50.toFixed(2)} ms, ratio ${(portalP50 / directP50).toFixed(2)}`,
      );
    }
    const ratio = median(ratios);
    console.log(`metrics panel through the portal vs Prometheus directly: median ratio ${ratio.toFixed(2)}`);
    return [{ name: "metrics panel p50, portal vs Prometheus directly", value: ratio, unit: "x", target: "<= 1.3", met: ratio <= 1.3 }];
  } finally {
    stop();
    await prometheus.stop();
  }
}
