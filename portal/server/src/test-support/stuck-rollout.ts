/**
 * A deployment that stays running for as long as a test needs, for real: a second ResourceQuota allowing
 * no pods is added to the project's namespace behind BabyHelm's back, so the API server refuses the new
 * ReplicaSet's pods and Pulumi keeps waiting for the rollout (as it would for an image that never pulls).
 */
import { CoreV1Api, type KubeConfig } from "@kubernetes/client-node";
import { setTimeout as sleep } from "node:timers/promises";
import type { TestPortal } from "./portal.js";

const FREEZE = "test-freeze-rollouts";

export async function freezeRollouts(kube: KubeConfig, namespace: string): Promise<void> {
  await kube.makeApiClient(CoreV1Api).createNamespacedResourceQuota({ namespace, body: { metadata: { name: FREEZE }, spec: { hard: { pods: "0" } } } });
}

export async function thawRollouts(kube: KubeConfig, namespace: string): Promise<void> {
  await kube.makeApiClient(CoreV1Api).deleteNamespacedResourceQuota({ name: FREEZE, namespace });
}

/** Waits until the engine reports it has started updating a Deployment (and now waits for its rollout). */
export async function waitForRolloutWait(portal: { database: TestPortal["portal"]["database"] }, deploymentId: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const events = await portal.database.models.DeploymentEvent.query().where({ deploymentId, type: "progress" });
    if (events.some((event) => event.data.type === "kubernetes:apps/v1:Deployment" && event.data.status === "started")) return;
    await sleep(200);
  }
  throw new Error(`deployment ${deploymentId} never started updating a Deployment`);
}
