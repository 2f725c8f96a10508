/**
 * A local Kubernetes control plane as plain processes, built by the toolchain: etcd, kube-apiserver,
 * kube-controller-manager, kube-scheduler, and kwok, which plays the kubelet of a few fake nodes (pods
 * become Running and Ready; no container runs, no image is pulled, no NetworkPolicy is enforced). kwok also
 * serves the kubelet's container-log endpoint, from files named by its Logs and ClusterLogs objects (see
 * portal/server/src/test-support/pod-logs.ts), so `kubectl logs` and the portal read logs through the API
 * server as on a real cluster.
 * Everything else is the real thing: the API server's validation and admission (Pod Security,
 * ResourceQuota, LimitRange), the controllers (Deployments, ReplicaSets, EndpointSlices, quota, garbage
 * collection, namespaces) and the scheduler. Ports are random free loopback ports, remembered in the data
 * directory so a restart keeps the same kubeconfig.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { networkInterfaces } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { KubeConfig } from "@kubernetes/client-node";
import { findBinary, toolDirectory, tools } from "../../toolchain/tools.mjs";
import { ensurePki, type Pki } from "./pki.js";
import { applyKwokCrds, applyPlatformObjects, nodesReady, reconcileIngresses } from "./platform.js";
import { freePort, logTail, portIsFree, startComponent, stopComponent, stopLeftovers, type Component } from "./processes.js";

export interface ClusterOptions {
  /** Where etcd's data, certificates, logs, pid files and the kubeconfig live. */
  dataDir: string;
  /** How long to wait for the API server and the nodes. Default 120 s. */
  readyTimeoutMs?: number;
  /** Progress lines for a person; default none. */
  log?: (line: string) => void;
}

export interface LocalCluster {
  kubeconfigPath: string;
  server: string;
  dataDir: string;
  /** Resolves with the name of a component that stopped by itself. */
  failed: Promise<string>;
  stop(): Promise<void>;
}

interface Ports {
  etcdClient: number;
  etcdPeer: number;
  apiserver: number;
  scheduler: number;
  /** kwok's kubelet-like server (container logs), the fake nodes' kubelet endpoint. */
  kwok: number;
}
const PORT_NAMES: (keyof Ports)[] = ["etcdClient", "etcdPeer", "apiserver", "scheduler", "kwok"];

const BINARIES = ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok"] as const;
type Binary = (typeof BINARIES)[number];

/** The toolchain's binaries, or an error naming what is missing and the command that builds it. */
export function clusterBinaries(): Record<Binary, string> {
  const found = Object.fromEntries(BINARIES.map((binary) => [binary, findBinary(binary)]));
  const missing = BINARIES.filter((binary) => !found[binary]);
  if (missing.length > 0) {
    throw new Error(`the local cluster needs ${missing.join(", ")}: build them with \`npm run toolchain\``);
  }
  return found as Record<Binary, string>;
}

/** The files the toolchain copied out of kwok's module: stage definitions (kwok's --config) and CRDs. */
function kwokShare(): { stages: string[]; crds: string[] } {
  const kwok = tools.find((tool) => tool.name === "kwok")!;
  const share = join(toolDirectory(kwok), "share");
  const files = (crds: boolean) => kwok.data!.filter(({ from }) => from.startsWith("kustomize/crd") === crds).flatMap(({ files }) => files.map((file) => join(share, file)));
  return { stages: [...files(false), ...OWN_STAGES], crds: files(true) };
}

/** Stages of BabyHelm's own, beside kwok's: failures a developer can ask for by image (see each file). */
const OWN_STAGES = ["pod-image-pull-backoff.yaml"].map((file) => fileURLToPath(new URL(`./stages/${file}`, import.meta.url)));

/** The remembered ports while all are free (a port added since is chosen anew), else new ones. */
async function choosePorts(dataDir: string): Promise<Ports> {
  const file = join(dataDir, "ports.json");
  let remembered: Partial<Ports> = {};
  if (existsSync(file)) {
    remembered = JSON.parse(readFileSync(file, "utf8")) as Partial<Ports>;
    const free = await Promise.all(Object.values(remembered).map((port) => portIsFree(port)));
    if (!free.every(Boolean)) remembered = {};
  }
  const ports: Partial<Ports> = { ...remembered };
  const taken = new Set(Object.values(remembered));
  for (const name of PORT_NAMES.filter((name) => remembered[name] === undefined)) {
    let port = await freePort();
    while (taken.has(port)) port = await freePort();
    taken.add(port);
    ports[name] = port;
  }
  writeFileSync(file, `${JSON.stringify(ports)}\n`);
  return ports as Ports;
}

/** The address the API server advertises for the `kubernetes` Service: the first non-loopback IPv4. */
function advertiseAddress(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((address) => address && address.family === "IPv4" && !address.internal)?.address;
}

function writeKubeconfig(path: string, server: string, pki: Pki): void {
  const data = (file: string) => readFileSync(file).toString("base64");
  const kubeconfig = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "babyhelm-local", cluster: { server, "certificate-authority-data": data(pki.caCert) } }],
    users: [{ name: "babyhelm-local-admin", user: { "client-certificate-data": data(pki.adminCert), "client-key-data": data(pki.adminKey) } }],
    contexts: [{ name: "babyhelm-local", context: { cluster: "babyhelm-local", user: "babyhelm-local-admin" } }],
    "current-context": "babyhelm-local",
  };
  writeFileSync(path, `${JSON.stringify(kubeconfig, null, 2)}\n`, { mode: 0o600 });
}

function get(url: string, pki: Pki): Promise<{ status: number; body: string }> {
  return new Promise((resolvePromise, reject) => {
    const req = request(url, { ca: readFileSync(pki.caCert), cert: readFileSync(pki.adminCert), key: readFileSync(pki.adminKey), timeout: 5000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolvePromise({ status: res.statusCode ?? 0, body }));
    });
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", reject);
    req.end();
  });
}

async function waitFor(what: string, deadline: number, components: Component[], check: () => Promise<boolean>): Promise<void> {
  let lastError = "";
  while (Date.now() < deadline) {
    const dead = components.find((component) => component.child.exitCode !== null || component.child.signalCode !== null);
    if (dead) throw new Error(`${dead.name} stopped while waiting for ${what}; its log ends:\n${logTail(dead)}`);
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}${lastError ? ` (last error: ${lastError})` : ""}`);
}

export async function startCluster(options: ClusterOptions): Promise<LocalCluster> {
  const log = options.log ?? (() => undefined);
  const dataDir = resolve(options.dataDir);
  const binaries = clusterBinaries();
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const leftovers = await stopLeftovers(dataDir);
  if (leftovers.length > 0) log(`stopped what an earlier run left on ${dataDir}: ${leftovers.join(", ")}`);

  const pki = ensurePki(join(dataDir, "pki"));
  const ports = await choosePorts(dataDir);
  const server = `https://127.0.0.1:${ports.apiserver}`;
  const kubeconfigPath = join(dataDir, "kubeconfig");
  writeKubeconfig(kubeconfigPath, server, pki);
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kubeconfigPath);
  const deadline = Date.now() + (options.readyTimeoutMs ?? 120_000);
  const components: Component[] = [];
  const stop = async () => {
    for (const component of [...components].reverse()) await stopComponent(component);
  };

  try {
    components.push(
      startComponent(dataDir, "etcd", binaries.etcd, [
        "--name=babyhelm",
        `--data-dir=${join(dataDir, "etcd")}`,
        `--listen-client-urls=http://127.0.0.1:${ports.etcdClient}`,
        `--advertise-client-urls=http://127.0.0.1:${ports.etcdClient}`,
        `--listen-peer-urls=http://127.0.0.1:${ports.etcdPeer}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${ports.etcdPeer}`,
        `--initial-cluster=babyhelm=http://127.0.0.1:${ports.etcdPeer}`,
        "--auto-compaction-retention=1",
        "--quota-backend-bytes=4294967296",
        // A throw-away development store: losing the last writes on a power cut is fine, waiting on fsync is not.
        "--unsafe-no-fsync",
        "--log-level=warn",
      ]),
    );
    await waitFor("etcd", deadline, components, async () => {
      const response = await fetch(`http://127.0.0.1:${ports.etcdClient}/health`);
      return response.ok && (await response.text()).includes('"health":"true"');
    });
    log(`etcd ready on 127.0.0.1:${ports.etcdClient}`);

    const advertise = advertiseAddress();
    components.push(
      startComponent(dataDir, "kube-apiserver", binaries["kube-apiserver"], [
        `--etcd-servers=http://127.0.0.1:${ports.etcdClient}`,
        "--etcd-prefix=/registry",
        "--allow-privileged=true",
        "--authorization-mode=Node,RBAC",
        "--bind-address=127.0.0.1",
        ...(advertise ? [`--advertise-address=${advertise}`] : []),
        `--secure-port=${ports.apiserver}`,
        `--cert-dir=${join(dataDir, "apiserver")}`,
        `--tls-cert-file=${pki.adminCert}`,
        `--tls-private-key-file=${pki.adminKey}`,
        `--client-ca-file=${pki.caCert}`,
        `--service-account-key-file=${pki.adminKey}`,
        `--service-account-signing-key-file=${pki.adminKey}`,
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        "--service-cluster-ip-range=10.96.0.0/16",
        // Logs, exec and port-forward go to the pod's node: kwok's server, at the node's InternalIP (its
        // Hostname, kwok-node-N, resolves nowhere) and kubelet port, serving the admin certificate.
        "--kubelet-preferred-address-types=InternalIP",
        `--kubelet-certificate-authority=${pki.caCert}`,
        `--kubelet-client-certificate=${pki.adminCert}`,
        `--kubelet-client-key=${pki.adminKey}`,
        "--profiling=false",
      ]),
    );
    await waitFor("kube-apiserver", deadline, components, async () => (await get(`${server}/readyz`, pki)).status === 200);
    log(`kube-apiserver ready on ${server}`);

    const share = kwokShare();
    // Established before kwok starts, so its watches of Logs and ClusterLogs find them at once.
    await waitFor("kwok's CRDs", deadline, components, () => applyKwokCrds(kubeConfig, share.crds));

    const kubeconfigFlag = `--kubeconfig=${kubeconfigPath}`;
    components.push(
      startComponent(dataDir, "kube-controller-manager", binaries["kube-controller-manager"], [
        kubeconfigFlag,
        `--authentication-kubeconfig=${kubeconfigPath}`,
        `--authorization-kubeconfig=${kubeconfigPath}`,
        `--root-ca-file=${pki.caCert}`,
        `--service-account-private-key-file=${pki.adminKey}`,
        "--bind-address=127.0.0.1",
        "--secure-port=0",
        "--leader-elect=false",
        "--kube-api-qps=1000",
        "--kube-api-burst=1000",
        "--profiling=false",
        // The quota controller recounts what a namespace uses at this interval (default 5 minutes); pods it
        // missed between a quota's creation and its first count (one deploy creates both) showed as unused.
        "--resource-quota-sync-period=15s",
      ]),
      startComponent(dataDir, "kube-scheduler", binaries["kube-scheduler"], [
        kubeconfigFlag,
        `--authentication-kubeconfig=${kubeconfigPath}`,
        `--authorization-kubeconfig=${kubeconfigPath}`,
        "--bind-address=127.0.0.1",
        `--secure-port=${ports.scheduler}`,
        "--leader-elect=false",
        "--kube-api-qps=1000",
        "--kube-api-burst=1000",
        "--profiling=false",
      ]),
      startComponent(dataDir, "kwok", binaries.kwok, [
        kubeconfigFlag,
        ...share.stages.map((stage) => `--config=${stage}`),
        "--manage-all-nodes=true",
        "--cidr=10.244.0.1/16",
        "--node-ip=127.0.0.1",
        `--node-port=${ports.kwok}`,
        `--server-address=127.0.0.1:${ports.kwok}`,
        `--tls-cert-file=${pki.adminCert}`,
        `--tls-private-key-file=${pki.adminKey}`,
        "--enable-crds=Logs,ClusterLogs",
        "--node-lease-duration-seconds=40",
      ]),
    );

    await waitFor("the platform objects", deadline, components, async () => {
      await applyPlatformObjects(kubeConfig, { kubeletPort: ports.kwok });
      return true;
    });
    await waitFor("Ready nodes", deadline, components, () => nodesReady(kubeConfig));
    log("nodes Ready");
  } catch (error) {
    await stop();
    throw error;
  }

  let stopping = false;
  const ingressLoop = (async () => {
    while (!stopping) {
      // Conflicts and a restarting API server are retried on the next pass.
      await reconcileIngresses(kubeConfig).catch(() => undefined);
      await sleep(500);
    }
  })();
  const failed = Promise.race(components.map((component) => component.exited.then(() => component.name)));

  return {
    kubeconfigPath,
    server,
    dataDir,
    failed: failed.then((name) => (stopping ? new Promise<string>(() => undefined) : name)),
    stop: async () => {
      stopping = true;
      await ingressLoop;
      await stop();
    },
  };
}
