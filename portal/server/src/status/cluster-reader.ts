/**
 * Live reads of one project's namespace through the portal's kubeconfig. Only ever namespaced calls with
 * the project's name as the namespace, so no input can reach another tenant, and only objects BabyHelm
 * labelled (events have no labels: the Warning ones of the namespace are read and picked per app).
 */
import { Agent } from "node:https";
import {
  AppsV1Api,
  AutoscalingV2Api,
  CoreV1Api,
  KubeConfig,
  NetworkingV1Api,
  ServerConfiguration,
  createConfiguration,
  type RequestContext,
  type CoreV1Event,
  type V1Deployment,
  type V1Ingress,
  type V1Namespace,
  type V1Pod,
  type V1ReplicaSet,
  type V1ResourceQuota,
  type V2HorizontalPodAutoscaler,
} from "@kubernetes/client-node";
import { APP_LABEL, MANAGED_BY_LABEL, PROJECT_LABEL } from "@babyhelm/sdk";

export const MANAGED_SELECTOR = `${MANAGED_BY_LABEL}=babyhelm`;

/** Bounds one status read: a page waits this long at most for a slow API server. */
export const READ_TIMEOUT_MS = 5_000;
/** The newest Warning events of a namespace that one read looks at. */
export const EVENT_LIMIT = 500;

export interface NamespaceObjects {
  deployments: V1Deployment[];
  replicaSets: V1ReplicaSet[];
  pods: V1Pod[];
  autoscalers: V2HorizontalPodAutoscaler[];
  ingresses: V1Ingress[];
  events: CoreV1Event[];
  quotas: V1ResourceQuota[];
}

/** The API server did not answer, or refused the portal's credentials: the cluster, not the request, is at fault. */
export class ClusterUnreachable extends Error {}

export function statusCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === "number" ? code : undefined;
}

async function withTimeout<T>(what: string, read: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ClusterUnreachable(`the API server did not answer ${what} within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([read, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Idle connections to the API server close after this (the API server's own idle timeout is 90 s). */
export const IDLE_CONNECTION_MS = 30_000;

/**
 * client-node gives every request a new https.Agent, so each one opens a connection and does a TLS
 * handshake; a status read makes eight. This swaps in one keep-alive agent for the kubeconfig's TLS
 * credentials; new credentials (e.g. from an exec plugin) get a new agent, and the old one's idle
 * connections close after IDLE_CONNECTION_MS. Proxy agents are left as they are.
 */
export class ConnectionReuse {
  private current: { key: string; agent: Agent } | undefined;

  async pre(context: RequestContext): Promise<RequestContext> {
    const agent = context.getAgent();
    if (!agent || agent.constructor !== Agent) return context;
    const options = (agent as Agent).options;
    const key = [options.ca, options.cert, options.key, options.pfx, options.passphrase, options.rejectUnauthorized, options.servername].map(String).join("\0");
    if (this.current?.key !== key) this.current = { key, agent: new Agent({ ...options, keepAlive: true, timeout: IDLE_CONNECTION_MS }) };
    context.setAgent(this.current.agent);
    return context;
  }

  async post<T>(response: T): Promise<T> {
    return response;
  }
}

/** Whether a namespace is one the portal deployed for this project: never report on, or alert for, someone else's. */
export function ownsNamespace(namespace: V1Namespace, project: string): boolean {
  const labels = namespace.metadata?.labels ?? {};
  return labels[MANAGED_BY_LABEL] === "babyhelm" && labels[PROJECT_LABEL] === project;
}

export class ClusterReader {
  private readonly core: CoreV1Api;
  private readonly apps: AppsV1Api;
  private readonly autoscaling: AutoscalingV2Api;
  private readonly networking: NetworkingV1Api;
  /** Requests sent to the API server since start: the status bench reports them per page view. */
  requests = 0;

  constructor(
    readonly kube: KubeConfig,
    private readonly timeoutMs = READ_TIMEOUT_MS,
  ) {
    // As kube.makeApiClient does, plus connections kept open between reads.
    const cluster = kube.getCurrentCluster();
    if (!cluster) throw new Error("the kubeconfig has no current cluster");
    const configuration = createConfiguration({
      baseServer: new ServerConfiguration(cluster.server, {}),
      authMethods: { default: kube },
      promiseMiddleware: [new ConnectionReuse()],
    });
    this.core = new CoreV1Api(configuration);
    this.apps = new AppsV1Api(configuration);
    this.autoscaling = new AutoscalingV2Api(configuration);
    this.networking = new NetworkingV1Api(configuration);
  }

  static fromFile(path: string, timeoutMs?: number): ClusterReader {
    const kube = new KubeConfig();
    kube.loadFromFile(path);
    return new ClusterReader(kube, timeoutMs);
  }

  private async call<T>(what: string, read: () => Promise<T>): Promise<T> {
    this.requests += 1;
    try {
      return await withTimeout(what, read(), this.timeoutMs);
    } catch (error) {
      if (error instanceof ClusterUnreachable) throw error;
      const code = statusCode(error);
      if (code === 404) throw error;
      if (code === 401 || code === 403) throw new ClusterUnreachable(`the API server refused the portal's credentials for ${what} (${code})`);
      if (code === undefined) throw new ClusterUnreachable(`the API server could not be reached for ${what}: ${(error as Error).message}`);
      throw new ClusterUnreachable(`the API server answered ${code} for ${what}`);
    }
  }

  /** The project's namespace when it exists and is the portal's; undefined otherwise. */
  async namespace(project: string): Promise<V1Namespace | undefined> {
    try {
      const namespace = await this.call(`namespace ${project}`, () => this.core.readNamespace({ name: project }));
      return ownsNamespace(namespace, project) ? namespace : undefined;
    } catch (error) {
      if (statusCode(error) === 404) return undefined;
      throw error;
    }
  }

  /** Everything a status answer needs, in parallel: one request per kind. */
  async objects(namespace: string): Promise<NamespaceObjects> {
    const labelSelector = MANAGED_SELECTOR;
    const [deployments, replicaSets, pods, autoscalers, ingresses, events, quotas] = await Promise.all([
      this.call("deployments", () => this.apps.listNamespacedDeployment({ namespace, labelSelector })),
      this.call("replica sets", () => this.apps.listNamespacedReplicaSet({ namespace, labelSelector })),
      this.call("pods", () => this.core.listNamespacedPod({ namespace, labelSelector })),
      this.call("autoscalers", () => this.autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace, labelSelector })),
      this.call("ingresses", () => this.networking.listNamespacedIngress({ namespace, labelSelector })),
      this.call("events", () => this.core.listNamespacedEvent({ namespace, fieldSelector: "type=Warning", limit: EVENT_LIMIT })),
      this.call("resource quotas", () => this.core.listNamespacedResourceQuota({ namespace, labelSelector })),
    ]);
    return {
      deployments: deployments.items,
      replicaSets: replicaSets.items,
      pods: pods.items,
      autoscalers: autoscalers.items,
      ingresses: ingresses.items,
      events: events.items,
      quotas: quotas.items,
    };
  }

  /** The pods of one app, for logs: selected by the app's label in the project's namespace, nothing else. */
  async appPods(namespace: string, app: string): Promise<V1Pod[]> {
    const labelSelector = `${MANAGED_SELECTOR},${APP_LABEL}=${app}`;
    const list = await this.call("pods", () => this.core.listNamespacedPod({ namespace, labelSelector }));
    return list.items;
  }
}
