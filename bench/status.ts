/**
 * Status figures (`npm run bench -- status`) for a project of 50 apps with 3 replicas each (150 Running pods),
 * on a local cluster (started here unless KUBECONFIG names one), against a baseline measured in the same run:
 * - p50/p95 of GET /api/projects/:name/status through the portal vs a bare `listNamespacedPod` of the
 *   project's namespace with client-node (target: p95 at most 2x), in alternating pairs; the status requests
 *   are STATUS_SHARE_MS + 300 ms apart, and an answer whose `readAt` is not new (shared) is asked again;
 * - API-server requests one status answer costs, and what 10 viewers asking at once cost (one page view is
 *   one status request), counted by the API server itself (apiserver_request_total), and by a ClusterReader
 *   (the portal's code) in this process;
 * - where a read's time goes: the namespace read, the seven lists together and each alone (on kept-open
 *   connections, as the reader makes them), an empty list on a new connection (client-node's default), the
 *   pod list as raw bytes and JSON.parse (no client-node deserialization), presenting (projectStatus), JSON.
 * The project's objects are rendered by the SDK from the portal's spec and server-side applied with
 * client-node, not deployed with Pulumi: what is measured is reading them, and the deploy bench times deploys.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, request, type RequestOptions } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  AppsV1Api,
  AutoscalingV2Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  NetworkingV1Api,
  PatchStrategy,
  ServerConfiguration,
  createConfiguration,
  type KubernetesObject,
} from "@kubernetes/client-node";
import { renderProject } from "@babyhelm/sdk";
import { ClusterReader, ConnectionReuse, EVENT_LIMIT, MANAGED_SELECTOR } from "../portal/server/src/status/cluster-reader.js";
import { projectStatus } from "../portal/server/src/status/project-status.js";
import type { ProjectStatus } from "../portal/server/src/status/types.js";
import { STATUS_SHARE_MS } from "../portal/server/src/services/status.js";
import { startCluster, type LocalCluster } from "../scripts/cluster/cluster.js";
import { median, type BenchResult } from "./measure.js";
import { login, portalCall, startServers } from "./portal.js";

const PROJECT = "bench-status";
const APPS = 50;
const REPLICAS = 3;
const PODS = APPS * REPLICAS;
const ROUNDS = 5;
const PAIRS_PER_ROUND = 30;
const WARM_PAIRS = 5;
const VIEWERS = 10;
const BREAKDOWN_SAMPLES = 20;
/** Status requests start this far apart, so each one is a read of its own. */
const SPACING_MS = STATUS_SHARE_MS + 300;
const FIELD_MANAGER = "babyhelm-bench-status";
/** What a status read asks the API server for: the namespace, and one namespaced list per kind. */
const LISTED = new Set(["deployments", "replicasets", "pods", "horizontalpodautoscalers", "ingresses", "events", "resourcequotas"]);

const appSpecs = Array.from({ length: APPS }, (_, index) => {
  const name = `app-${String(index + 1).padStart(2, "0")}`;
  // Every tenth app has a domain, so the Ingress list is not empty either.
  return {
    name,
    image: "nginx:1.27",
    port: 80,
    replicas: REPLICAS,
    resources: { cpu: "10m", memory: "16Mi" },
    ...(index % 10 === 9 ? { domain: `${name}.${PROJECT}.example.test` } : {}),
  };
});
// Room for every app's rollout pod (the spec counts one extra per app): 200 pods, 2 CPU, 3200Mi.
const quota = { cpu: "2", memory: "4Gi", pods: APPS * (REPLICAS + 1) };

const ms = (value: number) => `${value.toFixed(1)} ms`;

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function timed<T>(task: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await task();
  return { ms: performance.now() - started, value };
}

/** GET of an API-server path with the kubeconfig's credentials; the body as text. */
async function apiServerGet(kube: KubeConfig, path: string, agent?: Agent): Promise<string> {
  const options: RequestOptions = {};
  await kube.applyToHTTPSOptions(options);
  if (agent) options.agent = agent;
  const url = new URL(path, kube.getCurrentCluster()!.server);
  return new Promise((resolve, reject) => {
    const req = request(url, { ...options, method: "GET" }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        if (response.statusCode !== 200) reject(new Error(`GET ${path}: ${response.statusCode} ${body.slice(0, 200)}`));
        else resolve(body);
      });
      response.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

/**
 * The reads a status answer makes, as the API server counts them (apiserver_request_total): GETs of a single
 * namespace and namespaced LISTs of the seven kinds. The cluster's own components watch and list cluster-wide,
 * so they do not add to it (the idle window printed below shows it).
 */
async function statusReadsCounted(kube: KubeConfig): Promise<number> {
  let total = 0;
  for (const line of (await apiServerGet(kube, "/metrics")).split("\n")) {
    const match = /^apiserver_request_total\{([^}]*)\} (\S+)$/.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries([...match[1]!.matchAll(/(\w+)="([^"]*)"/g)].map(([, key, value]) => [key, value]));
    const namespaceRead = labels.verb === "GET" && labels.resource === "namespaces" && labels.scope === "resource" && !labels.subresource;
    const list = labels.verb === "LIST" && labels.scope === "namespace" && LISTED.has(labels.resource!);
    if (namespaceRead || list) total += Number(match[2]);
  }
  return total;
}

/** Server-side apply, as the Kubernetes provider does: the namespace's objects first, the Deployments last. */
async function applyObjects(kube: KubeConfig, objects: KubernetesObject[]): Promise<void> {
  const client = KubernetesObjectApi.makeApiClient(kube);
  const apply = (object: KubernetesObject) => client.patch(object, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
  const inParallel = async (batch: KubernetesObject[]) => {
    const queue = [...batch];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) await apply(next);
      }),
    );
  };
  const namespaces = objects.filter((object) => object.kind === "Namespace");
  for (const namespace of namespaces) await apply(namespace);
  await inParallel(objects.filter((object) => object.kind !== "Namespace" && object.kind !== "Deployment"));
  await inParallel(objects.filter((object) => object.kind === "Deployment"));
}

async function until<T>(what: string, timeoutMs: number, read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs / 1000} s`);
    await sleep(1000);
  }
}

export async function benchStatus(): Promise<BenchResult[]> {
  const clusterDir = mkdtempSync(join(tmpdir(), "babyhelm-bench-cluster-"));
  let cluster: LocalCluster | undefined;
  let stopPortal: (() => void) | undefined;
  let kubeconfig = process.env.KUBECONFIG;
  let cleaning: Promise<void> | undefined;
  const cleanUp = () =>
    (cleaning ??= (async () => {
      stopPortal?.();
      if (!cluster && kubeconfig) {
        // Someone else's cluster: leave it as it was.
        const kube = new KubeConfig();
        kube.loadFromFile(kubeconfig);
        await kube
          .makeApiClient(CoreV1Api)
          .deleteNamespace({ name: PROJECT })
          .catch(() => undefined);
      }
      await cluster?.stop();
      rmSync(clusterDir, { recursive: true, force: true });
    })());
  // Ctrl-C in the middle still stops the cluster's processes and removes their data.
  const interrupted = () => void cleanUp().finally(() => process.exit(130));
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);
  try {
    if (!kubeconfig) {
      cluster = await startCluster({ dataDir: clusterDir });
      kubeconfig = cluster.kubeconfigPath;
    }
    const kube = new KubeConfig();
    kube.loadFromFile(kubeconfig);
    const core = kube.makeApiClient(CoreV1Api);
    const started = await startServers({ KUBECONFIG: kubeconfig, LOG_LEVEL: "warn" });
    stopPortal = started.stop;
    const { servers } = started;
    const call = await portalCall(servers);
    const statusUrl = `${servers.portal}/api/projects/${PROJECT}/status`;
    // The bench portal's user (its first, so an admin); the default limits (4 CPU, 8Gi) fit this quota.
    const cookie = (await login(servers)).headers.getSetCookie()[0]!.split(";")[0]!;

    // The project through the portal's API; its objects rendered from the portal's spec and applied.
    const setup = performance.now();
    await call("POST", "/api/projects", { name: PROJECT, quota });
    for (const app of appSpecs) await call("POST", `/api/projects/${PROJECT}/apps`, app);
    const spec = await call("GET", `/api/projects/${PROJECT}/spec`);
    const objects = (await renderProject(spec)) as KubernetesObject[];
    await applyObjects(kube, objects);
    const applied = performance.now();
    const running = (list: { items: { status?: { phase?: string } }[] }) => list.items.filter((pod) => pod.status?.phase === "Running").length;
    await until(
      `${PODS} Running pods`,
      240_000,
      () => core.listNamespacedPod({ namespace: PROJECT }),
      (list) => running(list) >= PODS,
    );
    const runningAt = performance.now();
    const readStatus = async (): Promise<ProjectStatus> => {
      const response = await fetch(statusUrl, { headers: { cookie } });
      if (!response.ok) throw new Error(`GET status: ${response.status} ${await response.text()}`);
      return (await response.json()) as ProjectStatus;
    };
    const healthy = await until(
      "a healthy status",
      120_000,
      readStatus,
      (answer) => answer.health === "healthy" && answer.apps.flatMap((app) => app.pods).filter((pod) => pod.ready).length === PODS,
    );
    console.log(
      `status: ${APPS} apps x ${REPLICAS} replicas created through the portal API; ${objects.length} objects rendered by the SDK from its spec and ` +
        `server-side applied with client-node (no Pulumi deploy) in ${((applied - setup) / 1000).toFixed(1)} s; ${PODS} pods Running ` +
        `${((runningAt - applied) / 1000).toFixed(1)} s later; status ${healthy.health}, ${healthy.apps.length} apps, ` +
        `${healthy.apps.reduce((sum, app) => sum + app.pods.length, 0)} pods, ${healthy.apps.filter((app) => app.ingress).length} Ingresses`,
    );

    // (a) vs (b), alternating pair by pair: the order flips every pair, so neither always runs second.
    // Every status request starts SPACING_MS after the one before, whatever ran in between.
    let nextStatusAt = performance.now() + SPACING_MS;
    const spaced = async () => {
      await sleep(Math.max(0, nextStatusAt - performance.now()));
      nextStatusAt = performance.now() + SPACING_MS;
    };
    let lastReadAt = "";
    let statusBytes = 0;
    let discarded = 0;
    const statusOnce = async (): Promise<number> => {
      for (;;) {
        await spaced();
        const { ms: took, value: text } = await timed(async () => {
          const response = await fetch(statusUrl, { headers: { cookie } });
          if (!response.ok) throw new Error(`GET status: ${response.status}`);
          return response.text();
        });
        const answer = JSON.parse(text) as ProjectStatus;
        if (answer.apps.length !== APPS || answer.health !== "healthy") throw new Error(`unexpected status: ${answer.health}, ${answer.apps.length} apps`);
        // The client's spacing is not the portal's: a request held up before it reached ProjectStatuses
        // can leave the next one within STATUS_SHARE_MS. A shared answer is no sample; ask again.
        if (answer.readAt === lastReadAt) {
          discarded += 1;
          continue;
        }
        lastReadAt = answer.readAt;
        statusBytes = text.length;
        return took;
      }
    };
    const listOnce = async () => {
      const { ms: took, value: list } = await timed(() => core.listNamespacedPod({ namespace: PROJECT }));
      if (list.items.length !== PODS) throw new Error(`list pods returned ${list.items.length} pods`);
      return took;
    };
    const pair = async (index: number, status: number[], list: number[]) => {
      if (index % 2 === 0) {
        status.push(await statusOnce());
        list.push(await listOnce());
      } else {
        list.push(await listOnce());
        status.push(await statusOnce());
      }
    };
    for (let index = 0; index < WARM_PAIRS; index++) await pair(index, [], []);
    const statusAll: number[] = [];
    const listAll: number[] = [];
    const roundRatios: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const status: number[] = [];
      const list: number[] = [];
      for (let index = 0; index < PAIRS_PER_ROUND; index++) await pair(index, status, list);
      statusAll.push(...status);
      listAll.push(...list);
      const ratio = percentile(status, 95) / percentile(list, 95);
      roundRatios.push(ratio);
      console.log(
        `status round ${round}: GET status p50 ${ms(percentile(status, 50))}, p95 ${ms(percentile(status, 95))}; ` +
          `list pods p50 ${ms(percentile(list, 50))}, p95 ${ms(percentile(list, 95))}; p95 ratio ${ratio.toFixed(2)}x`,
      );
    }
    const statusP95 = percentile(statusAll, 95);
    const listP95 = percentile(listAll, 95);
    const ratio = statusP95 / listP95;
    console.log(
      `GET status (${statusAll.length} requests, ${SPACING_MS} ms apart, each a read of its own; ${discarded} shared answers asked again; ${(statusBytes / 1024).toFixed(0)} KiB of JSON): ` +
        `p50 ${ms(percentile(statusAll, 50))}, p95 ${ms(statusP95)}; bare listNamespacedPod (${PODS} pods): p50 ${ms(percentile(listAll, 50))}, p95 ${ms(listP95)}; ` +
        `p50 ratio ${(percentile(statusAll, 50) / percentile(listAll, 50)).toFixed(2)}x, p95 ratio ${ratio.toFixed(2)}x (p95 ratio per round: ${roundRatios.map((value) => value.toFixed(2)).join(", ")}; median ${median(roundRatios).toFixed(2)}x) ` +
        `${ratio <= 2 ? "meets" : "MISSES"} the target of <= 2x`,
    );

    // API-server requests: one answer, then VIEWERS page views at once, then the same time idle.
    let counted: { one: number; viewers: number; idle: number } | undefined;
    try {
      await spaced();
      let before = await statusReadsCounted(kube);
      nextStatusAt = 0; // spaced already
      await statusOnce();
      const one = (await statusReadsCounted(kube)) - before;
      await spaced();
      before = await statusReadsCounted(kube);
      const answers = await Promise.all(Array.from({ length: VIEWERS }, readStatus));
      const viewers = (await statusReadsCounted(kube)) - before;
      const reads = new Set(answers.map((answer) => answer.readAt)).size;
      before = await statusReadsCounted(kube);
      await sleep(SPACING_MS);
      const idle = (await statusReadsCounted(kube)) - before;
      counted = { one, viewers, idle };
      console.log(
        `API-server requests (apiserver_request_total: namespace GETs and namespaced LISTs of the ${LISTED.size} kinds): one status answer ${one}; ` +
          `${VIEWERS} viewers at once ${viewers} (${reads} read${reads === 1 ? "" : "s"}), ${(viewers / VIEWERS).toFixed(1)} per page view; idle for ${SPACING_MS} ms: ${idle}`,
      );
    } catch (error) {
      console.log(`API-server requests: not counted, the API server's /metrics could not be read (${(error as Error).message})`);
    }

    // Where a read's time goes, with the portal's own reader and presenter in this process.
    // Each list alone goes the reader's way too: its requests, on connections kept open (ConnectionReuse).
    const reader = ClusterReader.fromFile(kubeconfig);
    const kept = createConfiguration({
      baseServer: new ServerConfiguration(kube.getCurrentCluster()!.server, {}),
      authMethods: { default: kube },
      promiseMiddleware: [new ConnectionReuse()],
    });
    const keptCore = new CoreV1Api(kept);
    const apps = new AppsV1Api(kept);
    const autoscaling = new AutoscalingV2Api(kept);
    const networking = new NetworkingV1Api(kept);
    const labelSelector = MANAGED_SELECTOR;
    const lists: Record<string, () => Promise<unknown>> = {
      deployments: () => apps.listNamespacedDeployment({ namespace: PROJECT, labelSelector }),
      "replica sets": () => apps.listNamespacedReplicaSet({ namespace: PROJECT, labelSelector }),
      pods: () => keptCore.listNamespacedPod({ namespace: PROJECT, labelSelector }),
      autoscalers: () => autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace: PROJECT, labelSelector }),
      ingresses: () => networking.listNamespacedIngress({ namespace: PROJECT, labelSelector }),
      events: () => keptCore.listNamespacedEvent({ namespace: PROJECT, fieldSelector: "type=Warning", limit: EVENT_LIMIT }),
      quotas: () => keptCore.listNamespacedResourceQuota({ namespace: PROJECT, labelSelector }),
    };
    // The same empty list on a new connection (client-node's default: a TLS handshake every request).
    const freshAutoscaling = kube.makeApiClient(AutoscalingV2Api);
    lists["autoscalers, new connection"] = () => freshAutoscaling.listNamespacedHorizontalPodAutoscaler({ namespace: PROJECT, labelSelector });
    const credentials: RequestOptions = {};
    await kube.applyToHTTPSOptions(credentials);
    const keptAgent = new Agent({ ca: credentials.ca, cert: credentials.cert, key: credentials.key, keepAlive: true });
    const podsPath = `/api/v1/namespaces/${PROJECT}/pods?labelSelector=${encodeURIComponent(MANAGED_SELECTOR)}`;
    const parts: Record<string, number[]> = {
      namespace: [],
      "7 lists": [],
      present: [],
      json: [],
      "pods raw": [],
      "pods raw kept": [],
      "pods parse": [],
      ...Object.fromEntries(Object.keys(lists).map((kind) => [kind, []])),
    };
    const requestsBefore = reader.requests;
    const specApps = appSpecs.map((app) => app.name);
    let podBytes = 0;
    for (let sample = 0; sample < BREAKDOWN_SAMPLES; sample++) {
      parts.namespace!.push((await timed(() => reader.namespace(PROJECT))).ms);
      const read = await timed(() => reader.objects(PROJECT));
      parts["7 lists"]!.push(read.ms);
      const presented = await timed(async () => projectStatus(PROJECT, specApps, read.value, Date.now()));
      parts.present!.push(presented.ms);
      parts.json!.push((await timed(async () => JSON.stringify(presented.value))).ms);
      for (const [kind, list] of Object.entries(lists)) parts[kind]!.push((await timed(list)).ms);
      const raw = await timed(() => apiServerGet(kube, podsPath));
      parts["pods raw"]!.push(raw.ms);
      podBytes = raw.value.length;
      const rawKept = await timed(() => apiServerGet(kube, podsPath, keptAgent));
      parts["pods raw kept"]!.push(rawKept.ms);
      parts["pods parse"]!.push((await timed(async () => JSON.parse(rawKept.value))).ms);
    }
    keptAgent.destroy();
    const perRead = (reader.requests - requestsBefore) / BREAKDOWN_SAMPLES;
    const p50 = (part: string) => ms(median(parts[part]!));
    console.log(
      `status read in this process, medians of ${BREAKDOWN_SAMPLES}: namespace ${p50("namespace")}, then the 7 lists in parallel ${p50("7 lists")}, ` +
        `presenting ${p50("present")}, JSON ${p50("json")}; ClusterReader.requests per read: ${perRead}`,
    );
    console.log(
      `each list alone: ${Object.keys(lists)
        .map((kind) => `${kind} ${p50(kind)}`)
        .join(", ")}; ` +
        `pods as raw bytes (${(podBytes / 1024).toFixed(0)} KiB, no client-node deserialization): new connection ${p50("pods raw")}, kept connection ${p50("pods raw kept")}, then JSON.parse ${p50("pods parse")}`,
    );

    const results: BenchResult[] = [{ name: `GET status p95 vs bare list pods p95 (${APPS} apps, ${PODS} pods)`, value: ratio, unit: "x", target: "<= 2", met: ratio <= 2 }];
    if (counted) {
      const perView = counted.viewers / VIEWERS;
      results.push(
        { name: "API-server requests per status answer (namespace + one list per kind)", value: counted.one, unit: "requests", target: "<= 8", met: counted.one <= 8 },
        {
          name: `API-server requests per page view, ${VIEWERS} viewers within ${STATUS_SHARE_MS} ms`,
          value: perView,
          unit: "requests",
          target: `<= ${(counted.one / VIEWERS).toFixed(1)} (one read shared)`,
          met: counted.viewers <= counted.one,
        },
      );
    }
    return results;
  } finally {
    process.off("SIGINT", interrupted);
    process.off("SIGTERM", interrupted);
    await cleanUp();
  }
}
