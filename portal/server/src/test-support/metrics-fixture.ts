/**
 * Series as kube-prometheus-stack would have scraped them from two tenants, `alpha` and `beta`, as OpenMetrics
 * for backfilling. Both have an app `web`, so only the namespace tells them apart. `{ only: "alpha" }` gives the same
 * series without `beta` and without cluster-level series: what a query enforced to `alpha` answers from it is
 * what it must answer from the whole set, so any difference is a leak, whatever the query does. Includes cAdvisor's traps (the pod-level series with container "", the pause container)
 * and a series with no namespace at all, which no tenant may see either.
 */

export const SAMPLE_INTERVAL_S = 30;
export const FIXTURE_HOURS = 3;
const MiB = 2 ** 20;

export interface FixturePod {
  namespace: string;
  app: string;
  replicaSet: string;
  pod: string;
  cpuCores: number;
  memoryBytes: number;
  receiveBytesPerSecond: number;
  transmitBytesPerSecond: number;
  /** Seconds before the fixture's end at which the container restarted. */
  restartsAgo: number[];
}

export const FIXTURE_PODS: FixturePod[] = [
  {
    namespace: "alpha",
    app: "web",
    replicaSet: "web-6b7f9c",
    pod: "web-6b7f9c-aaaaa",
    cpuCores: 0.25,
    memoryBytes: 100 * MiB,
    receiveBytesPerSecond: 1000,
    transmitBytesPerSecond: 2000,
    restartsAgo: [],
  },
  {
    namespace: "alpha",
    app: "web",
    replicaSet: "web-6b7f9c",
    pod: "web-6b7f9c-bbbbb",
    cpuCores: 0.25,
    memoryBytes: 100 * MiB,
    receiveBytesPerSecond: 1000,
    transmitBytesPerSecond: 2000,
    restartsAgo: [],
  },
  {
    namespace: "alpha",
    app: "api",
    replicaSet: "api-7c8d5",
    pod: "api-7c8d5-ccccc",
    cpuCores: 0.5,
    memoryBytes: 50 * MiB,
    receiveBytesPerSecond: 300,
    transmitBytesPerSecond: 600,
    restartsAgo: [3600],
  },
  {
    namespace: "beta",
    app: "web",
    replicaSet: "web-5a5a5",
    pod: "beta-web-5a5a5-ddddd",
    cpuCores: 7,
    memoryBytes: 7000 * MiB,
    receiveBytesPerSecond: 900_000,
    transmitBytesPerSecond: 700_000,
    restartsAgo: [],
  },
  {
    namespace: "beta",
    app: "secret",
    replicaSet: "secret-9f9f9",
    pod: "beta-secret-9f9f9-eeeee",
    cpuCores: 3,
    memoryBytes: 9000 * MiB,
    receiveBytesPerSecond: 500_000,
    transmitBytesPerSecond: 400_000,
    restartsAgo: [600, 1200],
  },
];

export interface MetricsFixture {
  openMetrics: string;
  /** Unix seconds of the first and last samples. */
  start: number;
  end: number;
}

const CADVISOR = 'job="kubelet",metrics_path="/metrics/cadvisor"';
const KSM = 'job="kube-state-metrics"';

/** Samples every 30 s over the three hours that end at `end` (unix seconds, a multiple of 30). */
export function metricsFixture(end: number, options: { only?: string } = {}): MetricsFixture {
  const included = (namespace?: string) => options.only === undefined || namespace === options.only;
  const start = end - FIXTURE_HOURS * 3600;
  const times: number[] = [];
  for (let time = start; time <= end; time += SAMPLE_INTERVAL_S) times.push(time);
  const families = new Map<string, string[]>();
  const add = (family: string, labels: string, value: (time: number) => number) => {
    const lines = families.get(family) ?? [];
    for (const time of times) lines.push(`${family}{${labels}} ${value(time)} ${time}`);
    families.set(family, lines);
  };
  const counter = (perSecond: number) => (time: number) => perSecond * (time - start);
  for (const p of FIXTURE_PODS.filter((candidate) => included(candidate.namespace))) {
    const pod = `namespace="${p.namespace}",pod="${p.pod}"`;
    add("kube_pod_owner", `${KSM},${pod},owner_kind="ReplicaSet",owner_name="${p.replicaSet}",owner_is_controller="true"`, () => 1);
    add("container_cpu_usage_seconds_total", `${CADVISOR},${pod},container="${p.app}"`, counter(p.cpuCores));
    // cAdvisor's whole-pod series: summing it with the container's would double the figures.
    add("container_cpu_usage_seconds_total", `${CADVISOR},${pod},container=""`, counter(p.cpuCores));
    add("container_memory_working_set_bytes", `${CADVISOR},${pod},container="${p.app}"`, () => p.memoryBytes);
    add("container_memory_working_set_bytes", `${CADVISOR},${pod},container="POD"`, () => MiB);
    add("container_network_receive_bytes_total", `${CADVISOR},${pod},container="",interface="eth0"`, counter(p.receiveBytesPerSecond));
    add("container_network_transmit_bytes_total", `${CADVISOR},${pod},container="",interface="eth0"`, counter(p.transmitBytesPerSecond));
    add("kube_pod_container_status_restarts_total", `${KSM},${pod},container="${p.app}"`, (time) => p.restartsAgo.filter((ago) => time >= end - ago).length);
    add("tenant_secret", `namespace="${p.namespace}",pod="${p.pod}"`, () => (p.namespace === "beta" ? 4242 : 1));
  }
  for (const replicaSet of new Map(FIXTURE_PODS.filter((candidate) => included(candidate.namespace)).map((p) => [`${p.namespace}/${p.replicaSet}`, p])).values()) {
    add(
      "kube_replicaset_owner",
      `${KSM},namespace="${replicaSet.namespace}",replicaset="${replicaSet.replicaSet}",owner_kind="Deployment",owner_name="${replicaSet.app}"`,
      () => 1,
    );
  }
  if (included(undefined)) {
    // Cluster-level: no namespace label at all.
    add("node_memory_MemTotal_bytes", 'instance="10.0.0.1:9100",job="node-exporter"', () => 64 * 1024 * MiB);
    add("tenant_secret", 'scope="cluster"', () => 9999);
  }

  const text: string[] = [];
  for (const [family, lines] of families) text.push(`# TYPE ${family} gauge`, ...lines);
  text.push("# EOF", "");
  return { openMetrics: text.join("\n"), start, end };
}
