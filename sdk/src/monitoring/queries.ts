/**
 * The PromQL of BabyHelm: one named query per thing a project owner watches. Dashboards, the portal's
 * metrics API and the tests all use these, so a fix lands everywhere at once.
 *
 * Metric names and labels are those of kube-prometheus-stack: cAdvisor through the kubelet
 * (`job="kubelet", metrics_path="/metrics/cadvisor"`) and kube-state-metrics (`job="kube-state-metrics"`).
 * An app is the Deployment named after it: pods are attributed through their ReplicaSet's owner, never by
 * pod name, so an app `web` never counts the pods of an app `web-api`. Every query returns one series
 * per app, labelled `namespace` and `app`, and only ever reads the namespace it is given.
 *
 * kube-state-metrics series are deduplicated (`max by` their identity) before they are summed: with two
 * kube-state-metrics replicas, or during its own rollout, every series exists twice, once per instance.
 */
import { RESOURCE_QUOTA_NAME } from "../namespace/builders.js";
import { duration, selector, type Matcher } from "./promql.js";

export interface QueryScope {
  /** The project's namespace, or a Grafana variable such as `"$namespace"`. */
  namespace: string;
  /** One app (the Deployment of that name), or a Grafana variable such as `"$app"`. Default: every app of the namespace. */
  app?: string;
}

export interface RateOptions {
  /** Window of rates. Default `"5m"`; dashboards pass `"$__rate_interval"`. */
  window?: string;
}

export interface RangeOptions {
  /** The range counted over. Default `"1h"`; dashboards pass `"$__range"`. */
  range?: string;
}

const CADVISOR: readonly Matcher[] = [
  ["job", "=", "kubelet"],
  ["metrics_path", "=", "/metrics/cadvisor"],
];
const KUBE_STATE_METRICS: readonly Matcher[] = [["job", "=", "kube-state-metrics"]];
/** cAdvisor also reports each pod as a whole (container "") and its pause container ("POD"): counting them would double the figures. */
const REAL_CONTAINERS: readonly Matcher[] = [
  ["container", "!=", ""],
  ["container", "!=", "POD"],
];

const cadvisor = (metric: string, scope: QueryScope, extra: readonly Matcher[] = REAL_CONTAINERS) => selector(metric, [...CADVISOR, ["namespace", "=", scope.namespace], ...extra]);
const kubeState = (metric: string, scope: QueryScope, extra: readonly Matcher[] = []) => selector(metric, [...KUBE_STATE_METRICS, ["namespace", "=", scope.namespace], ...extra]);

/**
 * One series per pod of a Deployment, `{namespace, pod, app}` with value 1: pod -> ReplicaSet -> Deployment.
 * Joined onto per-pod metrics to attribute them to apps.
 */
export function podsOfApps(scope: QueryScope): string {
  const deployments: Matcher[] = [["owner_kind", "=", "Deployment"]];
  if (scope.app !== undefined) deployments.push(["owner_name", "=", scope.app]);
  const pods = kubeState("kube_pod_owner", scope, [["owner_kind", "=", "ReplicaSet"]]);
  const replicaSets = kubeState("kube_replicaset_owner", scope, deployments);
  return (
    `max by (namespace, pod, app) (` +
    `label_replace(${pods}, "replicaset", "$1", "owner_name", "(.*)")` +
    ` * on (namespace, replicaset) group_left (app) ` +
    `max by (namespace, replicaset, app) (label_replace(${replicaSets}, "app", "$1", "owner_name", "(.*)"))` +
    `)`
  );
}

/** Sums a per-pod (or per-container) expression into one series per app. */
function byApp(perPod: string, scope: QueryScope): string {
  return `sum by (namespace, app) (${perPod} * on (namespace, pod) group_left (app) ${podsOfApps(scope)})`;
}

/** Deployment-level kube-state-metrics series, relabelled from `deployment` to `app`. */
function deploymentMetric(metric: string, scope: QueryScope): string {
  const matchers: Matcher[] = scope.app !== undefined ? [["deployment", "=", scope.app]] : [];
  const deduplicated = `max by (namespace, deployment) (${kubeState(metric, scope, matchers)})`;
  return `sum by (namespace, app) (label_replace(${deduplicated}, "app", "$1", "deployment", "(.*)"))`;
}

/** One kube-state-metrics series per container, whichever instance reported it. */
const perContainer = (expr: string) => `max by (namespace, pod, container) (${expr})`;

/**
 * Pods that hold resources: kube-state-metrics keeps reporting the requests and limits of evicted and
 * failed pods, which use nothing (the kube-prometheus mixin filters the same way).
 */
function activePods(scope: QueryScope): string {
  return `max by (namespace, pod) (${kubeState("kube_pod_status_phase", scope, [["phase", "=~", "Pending|Running"]])} == 1)`;
}

/** A per-container resource of active pods: requests or limits. */
function resourceOfActivePods(metric: string, scope: QueryScope, resource: string, unit: string): string {
  const containers = perContainer(
    kubeState(metric, scope, [
      ["resource", "=", resource],
      ["unit", "=", unit],
    ]),
  );
  return byApp(`(${containers} * on (namespace, pod) group_left () ${activePods(scope)})`, scope);
}

const windowOf = (options: RateOptions) => duration(options.window ?? "5m", "window");
const rangeOf = (options: RangeOptions) => duration(options.range ?? "1h", "range");

/** CPU used, in cores, per app. */
export function cpuCoresUsed(scope: QueryScope, options: RateOptions = {}): string {
  return byApp(`rate(${cadvisor("container_cpu_usage_seconds_total", scope)}[${windowOf(options)}])`, scope);
}

/** CPU requested by the app's pending and running containers, in cores. */
export function cpuCoresRequested(scope: QueryScope): string {
  return resourceOfActivePods("kube_pod_container_resource_requests", scope, "cpu", "core");
}

/** CPU used as a share of CPU requested (1 = all of it). BabyHelm sets requests = limits, so this is also the share of the limit. */
export function cpuRequestShare(scope: QueryScope, options: RateOptions = {}): string {
  return `${cpuCoresUsed(scope, options)} / ${cpuCoresRequested(scope)}`;
}

/** Memory working set (what the kernel would not reclaim, and what the OOM killer compares with the limit), in bytes. */
export function memoryWorkingSetBytes(scope: QueryScope): string {
  return byApp(cadvisor("container_memory_working_set_bytes", scope), scope);
}

/** Memory limit of the app's pending and running containers, in bytes. */
export function memoryLimitBytes(scope: QueryScope): string {
  return resourceOfActivePods("kube_pod_container_resource_limits", scope, "memory", "byte");
}

/** Memory working set as a share of the memory limit (1 = at the limit, where the OOM killer acts). */
export function memoryLimitShare(scope: QueryScope): string {
  return `${memoryWorkingSetBytes(scope)} / ${memoryLimitBytes(scope)}`;
}

/** Container restarts during the range. */
export function containerRestarts(scope: QueryScope, options: RangeOptions = {}): string {
  return byApp(perContainer(`increase(${kubeState("kube_pod_container_status_restarts_total", scope)}[${rangeOf(options)}])`), scope);
}

/**
 * Restarts during the range of containers whose last termination was an OOM kill. cAdvisor's OOM counter
 * dies with the killed container's cgroup, so the kube-state-metrics termination reason is the reliable source.
 */
export function oomKills(scope: QueryScope, options: RangeOptions = {}): string {
  const restarts = perContainer(`increase(${kubeState("kube_pod_container_status_restarts_total", scope)}[${rangeOf(options)}])`);
  const oomKilled = perContainer(kubeState("kube_pod_container_status_last_terminated_reason", scope, [["reason", "=", "OOMKilled"]]));
  return byApp(`(${restarts} * on (namespace, pod, container) group_left () ${oomKilled})`, scope);
}

/** Pods of the app that are available (ready for at least minReadySeconds). */
export function podsAvailable(scope: QueryScope): string {
  return deploymentMetric("kube_deployment_status_replicas_available", scope);
}

/** Pods the app's Deployment asks for (set by the spec, or by the autoscaler). */
export function podsDesired(scope: QueryScope): string {
  return deploymentMetric("kube_deployment_spec_replicas", scope);
}

/** Bytes per second received by the app's pods (network is measured per pod, not per container). */
export function networkReceiveBytesPerSecond(scope: QueryScope, options: RateOptions = {}): string {
  return byApp(`rate(${cadvisor("container_network_receive_bytes_total", scope, [])}[${windowOf(options)}])`, scope);
}

/** Bytes per second sent by the app's pods. */
export function networkTransmitBytesPerSecond(scope: QueryScope, options: RateOptions = {}): string {
  return byApp(`rate(${cadvisor("container_network_transmit_bytes_total", scope, [])}[${windowOf(options)}])`, scope);
}

/** Share of CPU scheduling periods in which the app was throttled at its limit (0 to 1). */
export function cpuThrottledShare(scope: QueryScope, options: RateOptions = {}): string {
  const window = windowOf(options);
  const throttled = byApp(`increase(${cadvisor("container_cpu_cfs_throttled_periods_total", scope)}[${window}])`, scope);
  const periods = byApp(`increase(${cadvisor("container_cpu_cfs_periods_total", scope)}[${window}])`, scope);
  return `${throttled} / ${periods}`;
}

/** BabyHelm's own quota only: another ResourceQuota an admin adds must not mix its figures into ours. */
const quota = (namespace: string, type: "used" | "hard") =>
  `max by (namespace, resource) (${kubeState("kube_resourcequota", { namespace }, [
    ["resourcequota", "=", RESOURCE_QUOTA_NAME],
    ["type", "=", type],
  ])})`;

/** What the namespace uses of each resource of its quota (`resource` label: `requests.cpu`, `pods`, ...). */
export function quotaUsed(namespace: string): string {
  return quota(namespace, "used");
}

/** The namespace's quota of each resource. */
export function quotaHard(namespace: string): string {
  return quota(namespace, "hard");
}

/** Used as a share of hard, per quota resource (1 = the quota is exhausted and new pods are refused). */
export function quotaUsedShare(namespace: string): string {
  return `${quotaUsed(namespace)} / ${quotaHard(namespace)}`;
}

/** One series per Deployment (app) of the namespace; for listing apps, e.g. `label_values(..., deployment)`. */
export function appDeployments(namespace: string): string {
  return kubeState("kube_deployment_spec_replicas", { namespace });
}

/** Every namespace BabyHelm manages (needs kube-state-metrics to export that namespace label; the platform stack does). */
export function babyhelmNamespaces(): string {
  return selector("kube_namespace_labels", [...KUBE_STATE_METRICS, ["label_app_kubernetes_io_managed_by", "=", "babyhelm"]]);
}

/** Every query of the library for one scope, by name: what tests and `promtool check rules` go through. */
export function allQueries(scope: QueryScope, options: { window?: string; range?: string } = {}): Record<string, string> {
  return {
    podsOfApps: podsOfApps(scope),
    cpuCoresUsed: cpuCoresUsed(scope, options),
    cpuCoresRequested: cpuCoresRequested(scope),
    cpuRequestShare: cpuRequestShare(scope, options),
    memoryWorkingSetBytes: memoryWorkingSetBytes(scope),
    memoryLimitBytes: memoryLimitBytes(scope),
    memoryLimitShare: memoryLimitShare(scope),
    containerRestarts: containerRestarts(scope, options),
    oomKills: oomKills(scope, options),
    podsAvailable: podsAvailable(scope),
    podsDesired: podsDesired(scope),
    networkReceiveBytesPerSecond: networkReceiveBytesPerSecond(scope, options),
    networkTransmitBytesPerSecond: networkTransmitBytesPerSecond(scope, options),
    cpuThrottledShare: cpuThrottledShare(scope, options),
    quotaUsed: quotaUsed(scope.namespace),
    quotaHard: quotaHard(scope.namespace),
    quotaUsedShare: quotaUsedShare(scope.namespace),
    appDeployments: appDeployments(scope.namespace),
    babyhelmNamespaces: babyhelmNamespaces(),
  };
}
