/**
 * The kube-state-metrics queries of the SDK's PromQL library, the dashboards and the portal's panels, on
 * series a real exporter produced from real objects: two rendered projects are applied to the test run's
 * local cluster (real API server, controllers, scheduler and HPA; kwok pods), the toolchain's
 * kube-state-metrics (run with the platform stack's label allowlist) exports them, twice over (two replicas,
 * as during its own rollout, so every series exists once per instance and the queries' deduplication is
 * exercised), and Debian's Prometheus scrapes both every second under the job name kube-prometheus-stack
 * gives them. Restarts and an OOM kill are
 * written into pod status, as a kubelet would. What cannot be checked here: cAdvisor's series (no kubelet,
 * no container runs), so CPU, memory, network and throttling are only checked through their pod-to-app join.
 */
import { randomBytes } from "node:crypto";
import { AppsV1Api, CoreV1Api, KubernetesObjectApi, PatchStrategy, setHeaderOptions, type KubernetesObject, type V1Pod } from "@kubernetes/client-node";
import { appDashboard, namespacesDashboard, projectDashboard, promql, renderProject, type ProjectSpecInput } from "@babyhelm/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PANEL_DEFINITIONS, panelWindow } from "../portal/server/src/metrics/panels.js";
import { realPlatform } from "../portal/server/src/test-support/cluster.js";
import { kubeStateMetricsBinary, startKubeStateMetrics, type RunningKubeStateMetrics } from "../portal/server/src/test-support/kube-state-metrics.js";
import { startScrapingPrometheus, type RunningPrometheus } from "../portal/server/src/test-support/prometheus.js";
import { dashboardQueries, interpolate } from "../sdk/src/test-support/grafana.js";
import { requiredTool } from "../sdk/src/test-support/tools.js";
import { KUBE_STATE_METRICS_LABELS } from "../stacks/platform/src/values.js";

const prometheusPath = requiredTool("prometheus", "prometheus");
const ksmPath = realPlatform ? kubeStateMetricsBinary() : undefined;

const MiB = 2 ** 20;
const suffix = randomBytes(3).toString("hex");
const shop = `ksm-shop-${suffix}`;
const other = `ksm-other-${suffix}`;

/** `web` and `web-api`: a query that matched pods by name prefix would give web the pods of web-api. */
const SHOP: ProjectSpecInput = {
  name: shop,
  quota: { cpu: "2", memory: "2Gi", pods: 10 },
  apps: [
    { name: "web", image: "nginx:1.27", port: 80, replicas: 2, resources: { cpu: "250m", memory: "256Mi" } },
    { name: "web-api", image: "nginx:1.27", port: 8080, autoscale: { min: 2, max: 4, cpuPercent: 70 } },
    { name: "worker", image: "busybox:1.36", command: ["sh", "-c", "sleep infinity"] },
  ],
  monitoring: { dashboard: false },
};
/** Another tenant with an app of the same name: none of its figures may reach the shop's. */
const OTHER: ProjectSpecInput = {
  name: other,
  apps: [{ name: "web", image: "nginx:1.27", port: 80, replicas: 3 }],
  monitoring: { dashboard: false },
};
/** Pods per app once everything is up; web-api's 2 are set by the HPA controller (min 2), not by the spec. */
const SHOP_PODS = { web: 2, "web-api": 2, worker: 1 };
const OTHER_PODS = { web: 3 };

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

const exporters: RunningKubeStateMetrics[] = [];
let prometheus: RunningPrometheus | undefined;
const applied: string[] = [];

async function instant(query: string, time?: number): Promise<Sample[]> {
  const parameters = new URLSearchParams({ query, ...(time === undefined ? {} : { time: String(time) }) });
  const response = await fetch(`${prometheus!.url}/api/v1/query?${parameters}`);
  const body = (await response.json()) as { status: string; error?: string; data: { resultType: string; result: Sample[] } };
  if (body.status !== "success") throw new Error(`Prometheus refused ${query}: ${body.error}`);
  if (body.data.resultType !== "vector") throw new Error(`expected a vector from ${query}, got ${body.data.resultType}`);
  return body.data.result;
}

/** Grafana's label_values(selector, label), as Grafana asks Prometheus for it. */
async function labelValues(selector: string, label: string): Promise<string[]> {
  const parameters = new URLSearchParams({ "match[]": selector, start: String(Date.now() / 1000 - 300) });
  const body = (await (await fetch(`${prometheus!.url}/api/v1/label/${label}/values?${parameters}`)).json()) as { status: string; data: string[] };
  if (body.status !== "success") throw new Error(`Prometheus refused label_values(${selector}, ${label})`);
  return body.data;
}

/** Sums of decimal quantities (0.1 + 0.2 cores) are not exact in floating point. */
const rounded = (value: string) => Math.round(Number(value) * 1e9) / 1e9;

/** A per-app result as { app: value }, after checking every series is labelled exactly {namespace, app} of `namespace`. */
function perApp(samples: Sample[], namespace: string): Record<string, number> {
  for (const sample of samples) expect(sample.metric).toEqual({ namespace, app: expect.any(String) });
  return Object.fromEntries(samples.map((sample) => [sample.metric.app!, rounded(sample.value[1])]));
}

function perResource(samples: Sample[], namespace: string): Record<string, number> {
  for (const sample of samples) expect(sample.metric).toEqual({ namespace, resource: expect.any(String) });
  return Object.fromEntries(samples.map((sample) => [sample.metric.resource!, rounded(sample.value[1])]));
}

/**
 * Counts from increase(): each instance's last scrape is at its own moment, so the one that scraped earlier is
 * extrapolated by up to a scrape interval over a window of tens of seconds (a few percent); whole restarts still.
 */
function wholeCounts(counts: Record<string, number>): Record<string, number> {
  for (const [app, value] of Object.entries(counts)) expect(Math.abs(value - Math.round(value)), app).toBeLessThan(0.2);
  return Object.fromEntries(Object.entries(counts).map(([app, value]) => [app, Math.round(value)]));
}

async function eventually<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await read();
      if (done(last)) return last;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`${what} did not happen in ${timeoutMs / 1000} s; last: ${JSON.stringify(last)} ${lastError ?? ""}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const sameCounts = (actual: Record<string, number>, expected: Record<string, number>) =>
  JSON.stringify(Object.entries(actual).sort()) === JSON.stringify(Object.entries(expected).sort());

async function apply(spec: ProjectSpecInput): Promise<void> {
  const objects = KubernetesObjectApi.makeApiClient(realPlatform!.kube);
  const rendered = (await renderProject(spec)) as KubernetesObject[];
  applied.push(spec.name);
  for (const object of rendered) {
    await objects.patch(object, undefined, undefined, "babyhelm-ksm-test", true, PatchStrategy.ServerSideApply);
  }
}

/** Pods of a namespace, each with the Deployment that owns it through its ReplicaSet, as the API server says. */
async function podsByDeployment(namespace: string): Promise<{ pod: string; app: string }[]> {
  const core = realPlatform!.kube.makeApiClient(CoreV1Api);
  const apps = realPlatform!.kube.makeApiClient(AppsV1Api);
  const replicaSets = (await apps.listNamespacedReplicaSet({ namespace })).items;
  const deploymentOf = new Map(replicaSets.map((rs) => [rs.metadata!.name!, rs.metadata!.ownerReferences?.find((owner) => owner.kind === "Deployment")?.name]));
  const pods = (await core.listNamespacedPod({ namespace })).items.filter((pod) => pod.status?.phase === "Running");
  return pods
    .map((pod) => ({ pod: pod.metadata!.name!, app: deploymentOf.get(pod.metadata!.ownerReferences!.find((owner) => owner.kind === "ReplicaSet")!.name)! }))
    .sort((a, b) => a.pod.localeCompare(b.pod));
}

async function availableReplicas(namespace: string): Promise<Record<string, number>> {
  const deployments = (await realPlatform!.kube.makeApiClient(AppsV1Api).listNamespacedDeployment({ namespace })).items;
  return Object.fromEntries(deployments.map((d) => [d.metadata!.name!, d.status?.availableReplicas ?? 0]));
}

/** What a kubelet reports after a container restarted: the count, and why its last run ended. */
async function recordRestarts(namespace: string, pod: V1Pod, restartCount: number, reason: "OOMKilled" | "Error"): Promise<void> {
  const container = pod.spec!.containers[0]!;
  const now = new Date().toISOString();
  const body = {
    status: {
      containerStatuses: [
        {
          name: container.name,
          image: container.image,
          imageID: "",
          ready: true,
          restartCount,
          state: { running: { startedAt: now } },
          lastState: { terminated: { exitCode: reason === "OOMKilled" ? 137 : 1, reason, startedAt: now, finishedAt: now } },
        },
      ],
    },
  };
  await realPlatform!.kube
    .makeApiClient(CoreV1Api)
    .patchNamespacedPodStatus({ name: pod.metadata!.name!, namespace, body }, setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch));
}

describe.skipIf(!realPlatform || !prometheusPath || !ksmPath)("kube-state-metrics queries on a real exporter's series", () => {
  beforeAll(async () => {
    await apply(SHOP);
    await apply(OTHER);
    for (let replica = 0; replica < 2; replica += 1) {
      exporters.push(await startKubeStateMetrics(ksmPath!, realPlatform!.kubeconfig, { metricLabelsAllowlist: KUBE_STATE_METRICS_LABELS }));
    }
    prometheus = await startScrapingPrometheus(
      prometheusPath!,
      exporters.map((exporter) => ({ job: "kube-state-metrics", address: exporter.address })),
    );
    // kwok makes pods Running and Ready; the HPA controller raises web-api from 1 to its minimum of 2.
    await eventually(
      "every Deployment available",
      () => availableReplicas(shop),
      (counts) => sameCounts(counts, SHOP_PODS),
      90_000,
    );
    await eventually(
      "the other project available",
      () => availableReplicas(other),
      (counts) => sameCounts(counts, OTHER_PODS),
    );
    await eventually(
      "Prometheus seeing the pods available",
      async () => [perApp(await instant(promql.podsAvailable({ namespace: shop })), shop), perApp(await instant(promql.podsAvailable({ namespace: other })), other)],
      ([inShop, inOther]) => sameCounts(inShop!, SHOP_PODS) && sameCounts(inOther!, OTHER_PODS),
    );
  }, 150_000);

  afterAll(async () => {
    const core = realPlatform?.kube.makeApiClient(CoreV1Api);
    for (const namespace of applied) {
      await core?.deleteNamespace({ name: namespace, propagationPolicy: "Background" }).catch(() => undefined);
    }
    await prometheus?.stop();
    await Promise.all(exporters.map((exporter) => exporter.stop()));
  });

  it("counts desired and available pods per app, the autoscaled one at the HPA's minimum, one namespace at a time", async () => {
    // Both replicas are scraped: every raw series exists twice, so a sum without deduplication would double.
    expect(await instant(`kube_deployment_spec_replicas{job="kube-state-metrics",namespace="${shop}",deployment="web"}`)).toHaveLength(2);
    expect(perApp(await instant(promql.podsDesired({ namespace: shop })), shop)).toEqual(SHOP_PODS);
    expect(perApp(await instant(promql.podsAvailable({ namespace: shop })), shop)).toEqual(SHOP_PODS);
    expect(perApp(await instant(promql.podsDesired({ namespace: other })), other)).toEqual(OTHER_PODS);
    expect(perApp(await instant(promql.podsDesired({ namespace: shop, app: "web" })), shop)).toEqual({ web: 2 });
    expect(perApp(await instant(promql.podsAvailable({ namespace: shop, app: "web-api" })), shop)).toEqual({ "web-api": 2 });
  });

  it("attributes each pod to its Deployment through its ReplicaSet, never by name and never across namespaces", async () => {
    const expected = await podsByDeployment(shop);
    expect(expected).toHaveLength(5);
    const joined = await instant(promql.podsOfApps({ namespace: shop }));
    const pods = joined.map((sample) => {
      expect(Object.keys(sample.metric).sort()).toEqual(["app", "namespace", "pod"]);
      expect(sample.metric.namespace).toBe(shop);
      expect(sample.value[1]).toBe("1");
      return { pod: sample.metric.pod!, app: sample.metric.app! };
    });
    expect(pods.sort((a, b) => a.pod.localeCompare(b.pod))).toEqual(expected);
    // web's pods only: web-api's pod names start with "web-" too.
    const web = await instant(promql.podsOfApps({ namespace: shop, app: "web" }));
    expect(web.map((sample) => sample.metric.pod).sort()).toEqual(expected.filter((pod) => pod.app === "web").map((pod) => pod.pod));
    const otherPods = await instant(promql.podsOfApps({ namespace: other }));
    expect(otherPods.map((sample) => ({ pod: sample.metric.pod, app: sample.metric.app })).sort((a, b) => a.pod!.localeCompare(b.pod!))).toEqual(await podsByDeployment(other));
  });

  it("sums the CPU requests and memory limits of each app's running pods", async () => {
    expect(perApp(await instant(promql.cpuCoresRequested({ namespace: shop })), shop)).toEqual({ web: 0.5, "web-api": 0.2, worker: 0.1 });
    expect(perApp(await instant(promql.memoryLimitBytes({ namespace: shop })), shop)).toEqual({ web: 512 * MiB, "web-api": 256 * MiB, worker: 128 * MiB });
    expect(perApp(await instant(promql.cpuCoresRequested({ namespace: other })), other)).toEqual({ web: 0.3 });
  });

  it("reads BabyHelm's quota, hard and used, as the quota controller counts it", async () => {
    const hard = perResource(await instant(promql.quotaHard(shop)), shop);
    expect(hard).toEqual({
      "requests.cpu": 2,
      "limits.cpu": 2,
      "requests.memory": 2 * 1024 * MiB,
      "limits.memory": 2 * 1024 * MiB,
      pods: 10,
      "services.loadbalancers": 0,
      "services.nodeports": 0,
    });
    // The quota controller's count of 5 pods reaches the API, then kube-state-metrics, then a scrape.
    const used = await eventually(
      "the quota's used figures",
      async () => perResource(await instant(promql.quotaUsed(shop)), shop),
      (figures) => figures.pods === 5,
    );
    expect(used).toEqual({
      "requests.cpu": 0.8,
      "limits.cpu": 0.8,
      "requests.memory": (2 * 256 + 3 * 128) * MiB,
      "limits.memory": (2 * 256 + 3 * 128) * MiB,
      pods: 5,
      "services.loadbalancers": 0,
      "services.nodeports": 0,
    });
    const share = perResource(await instant(promql.quotaUsedShare(shop)), shop);
    expect(share["requests.cpu"]).toBeCloseTo(0.4, 9);
    expect(share["limits.memory"]).toBeCloseTo(896 / 2048, 9);
    expect(share.pods).toBeCloseTo(0.5, 9);
    expect(Object.keys(perResource(await instant(promql.quotaHard(other)), other))).toContain("pods");
  });

  it("counts restarts and OOM kills per app from the containers' status, in the library, the dashboards' and the portal's panel", async () => {
    const core = realPlatform!.kube.makeApiClient(CoreV1Api);
    const pods = (await core.listNamespacedPod({ namespace: shop })).items.sort((a, b) => a.metadata!.name!.localeCompare(b.metadata!.name!));
    const web = pods.find((pod) => pod.metadata!.labels!["babyhelm.io/app"] === "web")!;
    const worker = pods.find((pod) => pod.metadata!.labels!["babyhelm.io/app"] === "worker")!;
    await recordRestarts(shop, web, 2, "OOMKilled");
    await recordRestarts(shop, worker, 1, "Error");
    const restartsOf = `kube_pod_container_status_restarts_total{job="kube-state-metrics",namespace="${shop}"}`;
    await eventually(
      "Prometheus seeing the restarts",
      async () => Object.fromEntries((await instant(restartsOf)).map((sample) => [sample.metric.pod!, Number(sample.value[1])])),
      (counts) => counts[web.metadata!.name!] === 2 && counts[worker.metadata!.name!] === 1,
    );
    // Evaluated at the last scrape, so increase() extrapolates (almost) nothing past what happened.
    const [latest] = await instant(`max(timestamp(${restartsOf}))`);
    const at = Number(latest!.value[1]);

    const scope = { namespace: shop };
    const expectedRestarts = { web: 2, "web-api": 0, worker: 1 };
    const restarts = async (query: string, namespace = shop) => wholeCounts(perApp(await instant(query, at), namespace));
    expect(await restarts(promql.containerRestarts(scope, { range: "10m" }))).toEqual(expectedRestarts);
    // Only the container whose last termination was an OOM kill.
    expect(await restarts(promql.oomKills(scope, { range: "10m" }))).toEqual({ web: 2 });
    expect(await restarts(promql.containerRestarts({ namespace: shop, app: "web" }, { range: "10m" }))).toEqual({ web: 2 });
    expect(await restarts(promql.containerRestarts({ namespace: other }, { range: "10m" }), other)).toEqual({ web: 0 });

    const [panel] = PANEL_DEFINITIONS.restarts.queries(scope, panelWindow(15));
    expect(await restarts(panel!.query)).toEqual(expectedRestarts);
  });

  it("answers every kube-state-metrics query of the dashboards for the namespace asked, and their selectors list BabyHelm's namespaces and apps", async () => {
    const variables = { __rate_interval: "1m", __interval: "15s", __range: "1h", namespace: shop, app: "web" };
    const dashboards = { project: projectDashboard({ project: shop, apps: ["web", "web-api", "worker"] }), app: appDashboard(), namespaces: namespacesDashboard() };
    let checked = 0;
    for (const [name, dashboard] of Object.entries(dashboards)) {
      const onKubeStateMetricsOnly = dashboardQueries(dashboard)
        .map((expr) => interpolate(expr, variables))
        .filter((expr) => expr.includes('job="kube-state-metrics"') && !expr.includes('job="kubelet"'))
        // The namespace selector lists every BabyHelm namespace: checked below.
        .filter((expr) => expr !== promql.babyhelmNamespaces());
      expect(onKubeStateMetricsOnly.length, name).toBeGreaterThan(0);
      for (const expr of onKubeStateMetricsOnly) {
        const samples = await instant(expr);
        expect(samples.length, `${name}: ${expr}`).toBeGreaterThan(0);
        for (const sample of samples) expect(sample.metric.namespace, `${name}: ${expr}`).toBe(shop);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(10);

    const namespaces = await labelValues(promql.babyhelmNamespaces(), "namespace");
    expect(namespaces).toEqual(expect.arrayContaining([shop, other]));
    expect(namespaces).not.toContain("default");
    expect(namespaces).not.toContain("kube-system");
    expect(await labelValues(promql.appDeployments(shop), "deployment")).toEqual(["web", "web-api", "worker"]);
  });
});
