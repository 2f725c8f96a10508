/**
 * Live reads of one project's namespace through the portal's kubeconfig. Only ever namespaced calls with
 * the project's name as the namespace, so no input can reach another tenant, and only objects BabyHelm
 * labelled (events have no labels: the Warning ones of the namespace are read and picked per app).
 */
import {
  AppsV1Api,
  AutoscalingV2Api,
  CoreV1Api,
  KubeConfig,
  NetworkingV1Api,
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
    this.core = kube.makeApiClient(CoreV1Api);
    this.apps = kube.makeApiClient(AppsV1Api);
    this.autoscaling = kube.makeApiClient(AutoscalingV2Api);
    this.networking = kube.makeApiClient(NetworkingV1Api);
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
