/**
 * The queries against synthetic kube-prometheus-stack series, evaluated by Prometheus itself
 * (`promtool test rules`): two namespaces, two apps each, including the traps that break naive queries:
 * cAdvisor's pod-level and pause-container series, an app `web-api` next to an app `web`, every
 * kube-state-metrics series reported twice (two replicas), and an evicted pod that still has requests.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { promtool, requiredTool } from "../test-support/tools.js";
import * as q from "./queries.js";
import { tempDir } from "../../../test/support/temp-dir.js";

const promtoolPath = requiredTool("promtool", "prometheus");

const cadvisor = 'job="kubelet",metrics_path="/metrics/cadvisor"';
const ksm = 'job="kube-state-metrics"';
/** Two kube-state-metrics replicas: each of its series exists once per instance. */
const KSM_INSTANCES = ['instance="10.0.9.1:8080"', 'instance="10.0.9.2:8080"'];
const MiB = 2 ** 20;

interface Pod {
  namespace: string;
  app: string;
  replicaSet: string;
  pod: string;
  /** CPU seconds per minute (cores = this / 60). */
  cpuPerMinute: number;
  memoryBytes: number;
  memoryLimitBytes: number;
  cpuRequestCores: number;
  restarts: string;
  lastTerminated?: string;
  /** Evicted: kube-state-metrics still reports it, cAdvisor no longer does. */
  evicted?: boolean;
}

const PODS: Pod[] = [
  {
    namespace: "alpha",
    app: "web",
    replicaSet: "web-6b7f9c",
    pod: "web-6b7f9c-aaaaa",
    cpuPerMinute: 15,
    memoryBytes: 100 * MiB,
    memoryLimitBytes: 256 * MiB,
    cpuRequestCores: 0.25,
    restarts: "0 0 0 1 1 1 2 2 2 2 2",
    lastTerminated: "Error",
  },
  {
    namespace: "alpha",
    app: "web",
    replicaSet: "web-6b7f9c",
    pod: "web-6b7f9c-bbbbb",
    cpuPerMinute: 15,
    memoryBytes: 100 * MiB,
    memoryLimitBytes: 256 * MiB,
    cpuRequestCores: 0.25,
    restarts: "0x10",
  },
  {
    namespace: "alpha",
    app: "api",
    replicaSet: "api-7c8d5",
    pod: "api-7c8d5-ccccc",
    cpuPerMinute: 30,
    memoryBytes: 50 * MiB,
    memoryLimitBytes: 128 * MiB,
    cpuRequestCores: 1,
    restarts: "0x9 1",
    lastTerminated: "OOMKilled",
  },
  {
    namespace: "beta",
    app: "web",
    replicaSet: "web-5a5a5",
    pod: "web-5a5a5-ddddd",
    cpuPerMinute: 60,
    memoryBytes: 300 * MiB,
    memoryLimitBytes: 512 * MiB,
    cpuRequestCores: 1,
    restarts: "0+1x10",
    lastTerminated: "OOMKilled",
  },
  {
    namespace: "beta",
    app: "web-api",
    replicaSet: "web-api-9f9f9",
    pod: "web-api-9f9f9-eeeee",
    cpuPerMinute: 6,
    memoryBytes: 20 * MiB,
    memoryLimitBytes: 64 * MiB,
    cpuRequestCores: 0.1,
    restarts: "0x10",
  },
  {
    namespace: "alpha",
    app: "web",
    replicaSet: "web-6b7f9c",
    pod: "web-6b7f9c-zzzzz",
    cpuPerMinute: 0,
    memoryBytes: 0,
    memoryLimitBytes: 256 * MiB,
    cpuRequestCores: 0.25,
    restarts: "0x10",
    evicted: true,
  },
];

function inputSeries() {
  const series: { series: string; values: string }[] = [];
  const add = (text: string, values: string) => {
    if (!text.includes(ksm)) return void series.push({ series: text, values });
    for (const instance of KSM_INSTANCES) series.push({ series: text.replace(ksm, `${ksm},${instance}`), values });
  };
  for (const p of PODS) {
    const pod = `namespace="${p.namespace}",pod="${p.pod}"`;
    const container = `${pod},container="${p.app}"`;
    add(`kube_pod_owner{${ksm},${pod},owner_kind="ReplicaSet",owner_name="${p.replicaSet}",owner_is_controller="true"}`, "1x10");
    for (const phase of ["Pending", "Running", "Failed"]) {
      const current = p.evicted ? phase === "Failed" : phase === "Running";
      add(`kube_pod_status_phase{${ksm},${pod},phase="${phase}"}`, `${current ? 1 : 0}x10`);
    }
    add(`kube_pod_container_resource_limits{${ksm},${container},resource="memory",unit="byte"}`, `${p.memoryLimitBytes}x10`);
    add(`kube_pod_container_resource_requests{${ksm},${container},resource="cpu",unit="core"}`, `${p.cpuRequestCores}x10`);
    add(`kube_pod_container_status_restarts_total{${ksm},${container}}`, p.restarts);
    if (p.evicted) continue;
    add(`container_cpu_usage_seconds_total{${cadvisor},${container},image="registry/${p.app}"}`, `0+${p.cpuPerMinute}x10`);
    // The pod's own cgroup and its pause container: real cAdvisor series that must never be added to the app's.
    add(`container_cpu_usage_seconds_total{${cadvisor},${pod},container=""}`, `0+${p.cpuPerMinute}x10`);
    add(`container_cpu_usage_seconds_total{${cadvisor},${pod},container="POD"}`, "0+1x10");
    add(`container_memory_working_set_bytes{${cadvisor},${container}}`, `${p.memoryBytes}x10`);
    add(`container_memory_working_set_bytes{${cadvisor},${pod},container=""}`, `${p.memoryBytes * 2}x10`);
    if (p.lastTerminated) add(`kube_pod_container_status_last_terminated_reason{${ksm},${container},reason="${p.lastTerminated}"}`, "1x10");
    add(`container_network_receive_bytes_total{${cadvisor},${pod},container="",interface="eth0"}`, "0+6000x10");
    add(`container_network_transmit_bytes_total{${cadvisor},${pod},container="",interface="eth0"}`, "0+3000x10");
    add(`container_cpu_cfs_periods_total{${cadvisor},${container}}`, "0+600x10");
    add(`container_cpu_cfs_throttled_periods_total{${cadvisor},${container}}`, "0+60x10");
  }
  for (const [namespace, replicaSet, app] of new Set(PODS.map((p) => [p.namespace, p.replicaSet, p.app] as const))) {
    add(`kube_replicaset_owner{${ksm},namespace="${namespace}",replicaset="${replicaSet}",owner_kind="Deployment",owner_name="${app}",owner_is_controller="true"}`, "1x10");
  }
  // Another ResourceQuota an admin added: must not mix into BabyHelm's figures.
  add(`kube_resourcequota{${ksm},namespace="alpha",resourcequota="admin-extra",resource="requests.cpu",type="used"}`, "1.5x10");
  add(`kube_resourcequota{${ksm},namespace="alpha",resourcequota="admin-extra",resource="requests.cpu",type="hard"}`, "100x10");
  // A ReplicaSet left over from an older rollout, without pods: must not invent series.
  add(`kube_replicaset_owner{${ksm},namespace="alpha",replicaset="web-0ld0ld",owner_kind="Deployment",owner_name="web",owner_is_controller="true"}`, "1x10");
  const deployments = [
    ["alpha", "web", 2, 2],
    ["alpha", "api", 0, 1],
    ["beta", "web", 1, 1],
    ["beta", "web-api", 1, 1],
  ] as const;
  for (const [namespace, deployment, available, desired] of deployments) {
    add(`kube_deployment_status_replicas_available{${ksm},namespace="${namespace}",deployment="${deployment}"}`, `${available}x10`);
    add(`kube_deployment_spec_replicas{${ksm},namespace="${namespace}",deployment="${deployment}"}`, `${desired}x10`);
  }
  const quota = [
    ["alpha", "requests.cpu", 1.5, 2],
    ["alpha", "pods", 3, 20],
    ["beta", "requests.cpu", 1, 4],
  ] as const;
  for (const [namespace, resource, used, hard] of quota) {
    for (const [type, value] of [
      ["used", used],
      ["hard", hard],
    ] as const) {
      add(`kube_resourcequota{${ksm},namespace="${namespace}",resourcequota="babyhelm-quota",resource="${resource}",type="${type}"}`, `${value}x10`);
    }
  }
  add(`kube_namespace_labels{${ksm},namespace="alpha",label_app_kubernetes_io_managed_by="babyhelm"}`, "1x10");
  add(`kube_namespace_labels{${ksm},namespace="kube-system"}`, "1x10");
  return series;
}

type Sample = [labels: string, value: number];
const expectAt10m = (expr: string, samples: Sample[]) => ({
  expr,
  eval_time: "10m",
  exp_samples: samples.map(([labels, value]) => ({ labels, value })),
});
const alpha = { namespace: "alpha" };
const beta = { namespace: "beta" };
const app = (namespace: string, name: string) => `{namespace="${namespace}",app="${name}"}`;
// Windows that start on a sample, so Prometheus need not extrapolate and the figures are exact.
const window = { window: "5m" };
const range = { range: "10m" };

const EXPECTATIONS = [
  expectAt10m(q.cpuCoresUsed(alpha, window), [
    [app("alpha", "web"), 0.5],
    [app("alpha", "api"), 0.5],
  ]),
  expectAt10m(q.cpuCoresUsed(beta, window), [
    [app("beta", "web"), 1],
    [app("beta", "web-api"), 0.1],
  ]),
  expectAt10m(q.cpuCoresUsed({ namespace: "beta", app: "web" }, window), [[app("beta", "web"), 1]]),
  expectAt10m(q.cpuRequestShare(alpha, window), [
    [app("alpha", "web"), 1],
    [app("alpha", "api"), 0.5],
  ]),
  expectAt10m(q.memoryWorkingSetBytes(alpha), [
    [app("alpha", "web"), 200 * MiB],
    [app("alpha", "api"), 50 * MiB],
  ]),
  expectAt10m(q.memoryWorkingSetBytes({ namespace: "beta", app: "web" }), [[app("beta", "web"), 300 * MiB]]),
  expectAt10m(q.memoryLimitShare(alpha), [
    [app("alpha", "web"), 0.390625],
    [app("alpha", "api"), 0.390625],
  ]),
  expectAt10m(q.containerRestarts(alpha, range), [
    [app("alpha", "web"), 2],
    [app("alpha", "api"), 1],
  ]),
  expectAt10m(q.containerRestarts(beta, range), [
    [app("beta", "web"), 10],
    [app("beta", "web-api"), 0],
  ]),
  expectAt10m(q.oomKills(alpha, range), [[app("alpha", "api"), 1]]),
  expectAt10m(q.podsAvailable(alpha), [
    [app("alpha", "web"), 2],
    [app("alpha", "api"), 0],
  ]),
  expectAt10m(q.cpuCoresRequested(alpha), [
    [app("alpha", "web"), 0.5],
    [app("alpha", "api"), 1],
  ]),
  expectAt10m(q.memoryLimitBytes(alpha), [
    [app("alpha", "web"), 512 * MiB],
    [app("alpha", "api"), 128 * MiB],
  ]),
  expectAt10m(q.podsDesired({ namespace: "alpha", app: "api" }), [[app("alpha", "api"), 1]]),
  expectAt10m(q.networkReceiveBytesPerSecond(alpha, window), [
    [app("alpha", "web"), 200],
    [app("alpha", "api"), 100],
  ]),
  expectAt10m(q.networkTransmitBytesPerSecond(alpha, window), [
    [app("alpha", "web"), 100],
    [app("alpha", "api"), 50],
  ]),
  expectAt10m(q.cpuThrottledShare(alpha, window), [
    [app("alpha", "web"), 0.1],
    [app("alpha", "api"), 0.1],
  ]),
  expectAt10m(q.quotaUsedShare("alpha"), [
    ['{namespace="alpha",resource="requests.cpu"}', 0.75],
    ['{namespace="alpha",resource="pods"}', 0.15],
  ]),
  expectAt10m(q.quotaUsedShare("beta"), [['{namespace="beta",resource="requests.cpu"}', 0.25]]),
  expectAt10m(`group by (namespace) (${q.babyhelmNamespaces()})`, [['{namespace="alpha"}', 1]]),
  // Isolation: every query for alpha, grouped by namespace, has alpha's series and nothing else.
  ...Object.entries(q.allQueries(alpha, { ...window, ...range }))
    .filter(([name]) => name !== "babyhelmNamespaces")
    .map(([, expr]) => expectAt10m(`group by (namespace) (${expr})`, [['{namespace="alpha"}', 1]])),
];

describe.skipIf(!promtoolPath)("the PromQL library under promtool test rules", () => {
  it("computes per-app CPU, memory, restarts, OOM kills, pods, network, throttling and quota share, per namespace", async () => {
    const dir = tempDir("promtool");
    writeFileSync(join(dir, "rules.yml"), stringify({ groups: [] }));
    writeFileSync(
      join(dir, "tests.yml"),
      stringify(
        {
          rule_files: ["rules.yml"],
          evaluation_interval: "1m",
          tests: [{ interval: "1m", input_series: inputSeries(), promql_expr_test: EXPECTATIONS }],
        },
        { lineWidth: 0 },
      ),
    );
    const output = await promtool(promtoolPath!, ["test", "rules", "tests.yml"], dir);
    expect(output).toContain("SUCCESS");
  }, 60_000);
});
