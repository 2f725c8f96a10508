/**
 * Pod states a kubelet would report, written through the status subresource of the local cluster: kwok
 * leaves a Running pod alone, so what is written here stays until the pod is replaced.
 */
import { CoreV1Api, type KubeConfig, type V1ContainerStatus, type V1Pod } from "@kubernetes/client-node";

export async function reportContainer(kube: KubeConfig, pod: V1Pod, ready: boolean, container: Partial<V1ContainerStatus>): Promise<void> {
  const core = kube.makeApiClient(CoreV1Api);
  const [name, namespace] = [pod.metadata!.name!, pod.metadata!.namespace!];
  const current = await core.readNamespacedPodStatus({ name, namespace });
  const flag = ready ? "True" : "False";
  current.status!.conditions = current.status!.conditions!.map((condition) =>
    condition.type === "Ready" || condition.type === "ContainersReady" ? { ...condition, status: flag } : condition,
  );
  current.status!.containerStatuses = current.status!.containerStatuses!.map((status) => ({ ...status, ready, ...container }));
  await core.replaceNamespacedPodStatus({ name, namespace, body: current });
}

/** A container that keeps exiting with `exitCode`, as the kubelet shows it between restarts. */
export function crashLooping(exitCode: number, restartCount: number): Partial<V1ContainerStatus> {
  return {
    restartCount,
    state: { waiting: { reason: "CrashLoopBackOff", message: "back-off 1m20s restarting failed container" } },
    lastState: { terminated: { exitCode, reason: "Error", startedAt: new Date(Date.now() - 5000), finishedAt: new Date() } },
  };
}

export async function runningPods(kube: KubeConfig, namespace: string, app: string): Promise<V1Pod[]> {
  const pods = await kube.makeApiClient(CoreV1Api).listNamespacedPod({ namespace, labelSelector: `babyhelm.io/app=${app}` });
  return pods.items.filter((pod) => !pod.metadata?.deletionTimestamp);
}
