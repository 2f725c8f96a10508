/**
 * Container logs for pods of the local cluster, where no container runs: kwok, which plays the kubelet,
 * serves `GET /api/v1/namespaces/N/pods/P/log` (through the API server, as on a real cluster) from files
 * that its Logs objects (one pod) and ClusterLogs objects (pods by namespace and name) name. A file holds
 * lines in the kubelet's CRI format (`<RFC3339 time> stdout F <text>`), which `append` writes; `tailLines`,
 * `sinceSeconds`/`sinceTime` (by each line's time), `timestamps`, `limitBytes`, `previous` (the second
 * file) and `follow` (lines appended later arrive on the stream) behave as the kubelet's do.
 *
 *   const logs = await simulateLogs(kube, { namespace, podName: "web-0", container: "app" });
 *   logs.append(["listening on :8080"]);
 *   logs.appendPrevious("panic: out of memory", { stream: "stderr" });
 *   await kube.makeApiClient(CoreV1Api).readNamespacedPodLog({ namespace, name: "web-0", container: "app", previous: true });
 *   // "panic: out of memory\n"
 *   await logs.remove(); // deleting the namespace also deletes its Logs objects, not ClusterLogs
 *
 * kwok picks a new object up within milliseconds; `simulateLogs` waits until a targeted pod on a node
 * answers. The cluster's side: scripts/cluster (kwok's server, the CRDs, the nodes' kubelet endpoint).
 */
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from "@kubernetes/client-node";

const GROUP = "kwok.x-k8s.io";
const VERSION = "v1alpha1";

export interface SimulateLogsOptions {
  namespace: string;
  /**
   * Which pods: one pod by name; or the pods a label selector (`app=web`) matches when this is called
   * (pods created later are not covered); or, with neither, every pod of the namespace, now and later
   * (a Deployment's replacements included).
   */
  podName?: string;
  selector?: string;
  /** The container these logs are for; default every container of the pod(s). */
  container?: string;
  /** Absolute paths of the current and previous container's log files; default new files in a temporary directory. */
  file?: string;
  previousFile?: string;
}

export interface LogLineOptions {
  /** The line's time (what `sinceSeconds` and `timestamps` see); default now. */
  time?: Date;
  stream?: "stdout" | "stderr";
}

export interface SimulatedLogs {
  file: string;
  previousFile: string;
  /** The pods the logs are given to: the one named, the ones the selector matched, or undefined (the namespace's, also later ones). */
  pods: string[] | undefined;
  /** Appends lines to the current container's log; a follow stream receives them. */
  append(lines: string | string[], options?: LogLineOptions): void;
  /** Appends lines to the previous container's log (`previous=true`). */
  appendPrevious(lines: string | string[], options?: LogLineOptions): void;
  /** Takes the logs away again (the Logs entry or ClusterLogs object) and removes the files this helper made. */
  remove(): Promise<void>;
}

interface KwokLog {
  containers?: string[];
  logsFile: string;
  previousLogsFile: string;
  follow: boolean;
}

interface KwokLogsObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; resourceVersion?: string };
  spec: { logs: KwokLog[]; selector?: { matchNamespaces?: string[]; matchNames?: string[] } };
}

/** One line as the kubelet writes container logs (CRI format), ending with a newline. */
export function criLogLine(text: string, options: LogLineOptions = {}): string {
  if (text.includes("\n")) throw new Error("a log line must not contain a newline; pass lines separately");
  return `${(options.time ?? new Date()).toISOString()} ${options.stream ?? "stdout"} F ${text}\n`;
}

function isStatus(error: unknown, code: number): boolean {
  return (error as { code?: number }).code === code;
}

/** Gives a pod (or pods) container logs from files the test controls; see the module comment. */
export async function simulateLogs(kube: KubeConfig, options: SimulateLogsOptions): Promise<SimulatedLogs> {
  const { namespace, podName, selector, container } = options;
  if (podName && selector) throw new Error("simulateLogs: give podName or selector, not both");
  const core = kube.makeApiClient(CoreV1Api);
  const objects = kube.makeApiClient(CustomObjectsApi);

  let scratch: string | undefined;
  const made: string[] = [];
  const ensureFile = (given: string | undefined, name: string): string => {
    if (given !== undefined && !isAbsolute(given)) throw new Error(`simulateLogs: ${given} must be an absolute path (kwok reads it)`);
    let file = given;
    if (file === undefined) {
      scratch ??= mkdtempSync(join(tmpdir(), "babyhelm-pod-logs-"));
      file = join(scratch, name);
    }
    // kwok refuses a log file that does not exist; an empty one is an empty log.
    if (!existsSync(file)) {
      writeFileSync(file, "");
      made.push(file);
    }
    return file;
  };
  const file = ensureFile(options.file, "current.log");
  const previousFile = ensureFile(options.previousFile, "previous.log");
  const entry: KwokLog = { ...(container ? { containers: [container] } : {}), logsFile: file, previousLogsFile: previousFile, follow: true };
  const sameContainers = (log: KwokLog) => (log.containers ?? []).join("\0") === (entry.containers ?? []).join("\0");

  let pods: string[] | undefined;
  let remove: () => Promise<void>;
  if (podName) {
    // One Logs object per pod (kwok looks no further once a pod has one): entries of other containers are kept.
    pods = [podName];
    const target = { group: GROUP, version: VERSION, namespace, plural: "logs", name: podName };
    await retryConflicts(async () => {
      const existing = await readLogs(objects, target);
      if (!existing) {
        const body: KwokLogsObject = { apiVersion: `${GROUP}/${VERSION}`, kind: "Logs", metadata: { name: podName, namespace }, spec: { logs: [entry] } };
        await objects.createNamespacedCustomObject({ ...target, body });
        return;
      }
      existing.spec.logs = [...existing.spec.logs.filter((log) => !sameContainers(log)), entry];
      await objects.replaceNamespacedCustomObject({ ...target, body: existing });
    });
    remove = () =>
      retryConflicts(async () => {
        const existing = await readLogs(objects, target);
        if (!existing) return;
        const logs = existing.spec.logs.filter((log) => log.logsFile !== file);
        if (logs.length === 0) await ignoreNotFound(objects.deleteNamespacedCustomObject(target));
        else await objects.replaceNamespacedCustomObject({ ...target, body: { ...existing, spec: { logs } } });
      });
  } else {
    if (selector) {
      const matched = await core.listNamespacedPod({ namespace, labelSelector: selector });
      pods = matched.items.map((pod) => pod.metadata!.name!);
      if (pods.length === 0) throw new Error(`simulateLogs: no pod in ${namespace} matches ${selector}`);
    }
    const name = `babyhelm-${namespace}-${randomBytes(4).toString("hex")}`.slice(0, 253);
    const body: KwokLogsObject = {
      apiVersion: `${GROUP}/${VERSION}`,
      kind: "ClusterLogs",
      metadata: { name },
      spec: { selector: { matchNamespaces: [namespace], ...(pods ? { matchNames: pods } : {}) }, logs: [entry] },
    };
    await objects.createClusterCustomObject({ group: GROUP, version: VERSION, plural: "clusterlogs", body });
    remove = () => ignoreNotFound(objects.deleteClusterCustomObject({ group: GROUP, version: VERSION, plural: "clusterlogs", name }));
  }

  await untilKwokServes(core, namespace, pods ?? (await core.listNamespacedPod({ namespace })).items.map((pod) => pod.metadata!.name!), container);

  const writer = (path: string) => (lines: string | string[], lineOptions?: LogLineOptions) =>
    appendFileSync(path, (Array.isArray(lines) ? lines : [lines]).map((line) => criLogLine(line, lineOptions)).join(""));
  return {
    file,
    previousFile,
    pods,
    append: writer(file),
    appendPrevious: writer(previousFile),
    remove: async () => {
      await remove();
      for (const path of made) rmSync(path, { force: true });
      if (scratch) rmSync(scratch, { recursive: true, force: true });
    },
  };
}

async function readLogs(objects: CustomObjectsApi, target: { group: string; version: string; namespace: string; plural: string; name: string }) {
  try {
    return (await objects.getNamespacedCustomObject(target)) as KwokLogsObject;
  } catch (error) {
    if (isStatus(error, 404)) return undefined;
    throw error;
  }
}

async function ignoreNotFound(request: Promise<unknown>): Promise<void> {
  try {
    await request;
  } catch (error) {
    if (!isStatus(error, 404)) throw error;
  }
}

async function retryConflicts(action: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await action();
    } catch (error) {
      if (!isStatus(error, 409) || attempt >= 5) throw error;
    }
  }
}

/**
 * Until kwok answers for the first targeted pod that is on a node (its watch of Logs and ClusterLogs is
 * asynchronous): kwok says "no logs found" until it has seen the object. Pods not yet scheduled are not
 * asked (the API server returns nothing for them without asking kwok).
 */
async function untilKwokServes(core: CoreV1Api, namespace: string, pods: string[], container: string | undefined): Promise<void> {
  const scheduled = [];
  for (const name of pods) {
    const pod = await core.readNamespacedPod({ namespace, name }).catch(() => undefined);
    if (pod?.spec?.nodeName) scheduled.push(pod);
  }
  const pod = scheduled[0];
  if (!pod) return;
  const containerName = container ?? pod.spec!.containers[0]!.name;
  let lastError: unknown;
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(100)) {
    try {
      await core.readNamespacedPodLog({ namespace, name: pod.metadata!.name!, container: containerName, limitBytes: 1 });
      return;
    } catch (error) {
      lastError = error;
    }
  }
  throw new Error(`kwok does not serve the logs of ${namespace}/${pod.metadata!.name}: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
}
