/**
 * What makes the local cluster platform-ready: the namespaces and IngressClasses projects rely on (the
 * platform stack installs them on a real cluster), fake nodes for kwok (whose kubelet endpoint is kwok's
 * server, so pod logs work), kwok's Logs and ClusterLogs CRDs, and the one duty of an ingress controller
 * that Pulumi waits for: an Ingress gets a load-balancer address once every backend Service has ready
 * endpoints. No traffic is served; the address says so (127.0.0.1, nothing listens for it).
 */
import { readFileSync } from "node:fs";
import {
  ApiextensionsV1Api,
  CoreV1Api,
  DiscoveryV1Api,
  NetworkingV1Api,
  loadAllYaml,
  type KubeConfig,
  type V1CustomResourceDefinition,
  type V1Ingress,
  type V1Node,
} from "@kubernetes/client-node";
import { DEFAULT_PLATFORM_OPTIONS } from "@babyhelm/sdk";

export const NODE_NAMES = ["kwok-node-0", "kwok-node-1", "kwok-node-2"];
/** The controller name ingress-nginx registers its IngressClass with. */
const INGRESS_CONTROLLER = "k8s.io/ingress-nginx";
const LOAD_BALANCER_ADDRESS = "127.0.0.1";
/** Where the API server reaches a fake node's "kubelet": kwok's server, which listens on loopback. */
const NODE_ADDRESS = "127.0.0.1";

function isConflict(error: unknown): boolean {
  return (error as { code?: number }).code === 409;
}

async function createUnlessExists(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (error) {
    if (!isConflict(error)) throw error;
  }
}

function fakeNode(name: string, kubeletPort: number): V1Node {
  return {
    metadata: {
      name,
      annotations: { "kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0" },
      labels: { "kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64", type: "kwok" },
    },
    status: {
      // Room for many projects; quotas, not nodes, are what limits a project here.
      allocatable: { cpu: "32", memory: "256Gi", pods: "110" },
      capacity: { cpu: "32", memory: "256Gi", pods: "110" },
      ...kubeletEndpoint(name, kubeletPort),
    },
  };
}

function kubeletEndpoint(name: string, port: number): Pick<NonNullable<V1Node["status"]>, "addresses" | "daemonEndpoints"> {
  return {
    addresses: [
      { type: "InternalIP", address: NODE_ADDRESS },
      { type: "Hostname", address: name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: port } },
  };
}

/**
 * kwok's Logs and ClusterLogs CRDs (from the toolchain's copy of its module), created unless they exist;
 * true once all are Established.
 */
export async function applyKwokCrds(kubeConfig: KubeConfig, files: string[]): Promise<boolean> {
  const extensions = kubeConfig.makeApiClient(ApiextensionsV1Api);
  const crds = files.flatMap((file) => loadAllYaml(readFileSync(file, "utf8")) as V1CustomResourceDefinition[]).filter(Boolean);
  let established = true;
  for (const crd of crds) {
    await createUnlessExists(() => extensions.createCustomResourceDefinition({ body: crd }));
    const stored = await extensions.readCustomResourceDefinition({ name: crd.metadata!.name! });
    established &&= stored.status?.conditions?.some((c) => c.type === "Established" && c.status === "True") ?? false;
  }
  return established;
}

/**
 * The namespaces, the IngressClass and the fake nodes, each created unless it exists. A node kept from an
 * earlier start (whose kwok port may have been another) gets the current kubelet endpoint.
 */
export async function applyPlatformObjects(kubeConfig: KubeConfig, options: { kubeletPort: number }): Promise<void> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const networking = kubeConfig.makeApiClient(NetworkingV1Api);
  for (const name of [DEFAULT_PLATFORM_OPTIONS.ingressNamespace, DEFAULT_PLATFORM_OPTIONS.monitoringNamespace]) {
    await createUnlessExists(() => core.createNamespace({ body: { metadata: { name, labels: { "app.kubernetes.io/managed-by": "babyhelm-local-cluster" } } } }));
  }
  await createUnlessExists(() =>
    networking.createIngressClass({
      body: {
        metadata: { name: DEFAULT_PLATFORM_OPTIONS.ingressClassName, annotations: { "ingressclass.kubernetes.io/is-default-class": "true" } },
        spec: { controller: INGRESS_CONTROLLER },
      },
    }),
  );
  // Private apps' class; on a real cluster, a second controller on the private network serves it.
  await createUnlessExists(() =>
    networking.createIngressClass({ body: { metadata: { name: DEFAULT_PLATFORM_OPTIONS.privateIngressClassName }, spec: { controller: INGRESS_CONTROLLER } } }),
  );
  for (const name of NODE_NAMES) {
    await createUnlessExists(() => core.createNode({ body: fakeNode(name, options.kubeletPort) }));
    const node = await core.readNode({ name });
    const status = node.status ?? {};
    const hasAddress = status.addresses?.some((address) => address.type === "InternalIP" && address.address === NODE_ADDRESS);
    if (status.daemonEndpoints?.kubeletEndpoint?.Port === options.kubeletPort && hasAddress) continue;
    // A conflict with kwok's heartbeat is retried by the caller.
    const endpoint = kubeletEndpoint(name, options.kubeletPort);
    const others = (status.addresses ?? []).filter((address) => address.type !== "InternalIP" && address.type !== "Hostname");
    await core.replaceNodeStatus({ name, body: { ...node, status: { ...status, ...endpoint, addresses: [...endpoint.addresses!, ...others] } } });
  }
}

export async function nodesReady(kubeConfig: KubeConfig): Promise<boolean> {
  const nodes = await kubeConfig.makeApiClient(CoreV1Api).listNode();
  const ready = nodes.items.filter((node) => node.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"));
  return NODE_NAMES.every((name) => ready.some((node) => node.metadata?.name === name));
}

/** The Services an Ingress sends traffic to, as namespace/name. */
export function ingressBackends(ingress: V1Ingress): string[] {
  const namespace = ingress.metadata?.namespace ?? "default";
  const services = new Set<string>();
  const defaultBackend = ingress.spec?.defaultBackend?.service?.name;
  if (defaultBackend) services.add(`${namespace}/${defaultBackend}`);
  for (const rule of ingress.spec?.rules ?? []) {
    for (const path of rule.http?.paths ?? []) {
      if (path.backend.service?.name) services.add(`${namespace}/${path.backend.service.name}`);
    }
  }
  return [...services];
}

/** The classes the simulated controller serves: the public and the private one, as both controllers would. */
const SERVED_CLASSES = new Set([DEFAULT_PLATFORM_OPTIONS.ingressClassName, DEFAULT_PLATFORM_OPTIONS.privateIngressClassName]);

/**
 * One pass of the simulated ingress controller: every Ingress of our classes whose backends all have a
 * ready endpoint gets the load-balancer address; one whose backends lost them loses it again.
 */
export async function reconcileIngresses(kubeConfig: KubeConfig): Promise<void> {
  const networking = kubeConfig.makeApiClient(NetworkingV1Api);
  const discovery = kubeConfig.makeApiClient(DiscoveryV1Api);
  const [ingresses, slices] = await Promise.all([networking.listIngressForAllNamespaces(), discovery.listEndpointSliceForAllNamespaces()]);
  const ready = new Set<string>();
  for (const slice of slices.items) {
    const service = slice.metadata?.labels?.["kubernetes.io/service-name"];
    if (service && slice.endpoints?.some((endpoint) => endpoint.conditions?.ready === true)) {
      ready.add(`${slice.metadata?.namespace}/${service}`);
    }
  }
  for (const ingress of ingresses.items) {
    const className = ingress.spec?.ingressClassName ?? ingress.metadata?.annotations?.["kubernetes.io/ingress.class"] ?? DEFAULT_PLATFORM_OPTIONS.ingressClassName;
    if (!SERVED_CLASSES.has(className)) continue;
    const serving = ingressBackends(ingress).every((backend) => ready.has(backend));
    const addressed = (ingress.status?.loadBalancer?.ingress?.length ?? 0) > 0;
    if (serving === addressed) continue;
    await networking.replaceNamespacedIngressStatus({
      name: ingress.metadata!.name!,
      namespace: ingress.metadata!.namespace!,
      body: { ...ingress, status: { loadBalancer: { ingress: serving ? [{ ip: LOAD_BALANCER_ADDRESS }] : [] } } },
    });
  }
}
