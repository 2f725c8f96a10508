/** One project's status answer from its namespace's objects and the apps of its spec. Pure, like health.ts. */
import { APP_LABEL, RESOURCE_QUOTA_NAME } from "@babyhelm/sdk";
import type { KubernetesObject } from "@kubernetes/client-node";
import type { NamespaceObjects } from "./cluster-reader.js";
import { appStatus, worstHealth } from "./health.js";
import type { ClusterState, ProjectStatus } from "./types.js";

export function emptyStatus(project: string, cluster: ClusterState, message: string, now: number): ProjectStatus {
  return { project, cluster, deployed: false, health: cluster === "connected" ? "missing" : null, message, readAt: new Date(now).toISOString(), apps: [], quota: null };
}

function appOf(object: KubernetesObject): string | undefined {
  return object.metadata?.labels?.[APP_LABEL];
}

function byApp<T extends KubernetesObject>(objects: T[], app: string): T[] {
  return objects.filter((object) => appOf(object) === app);
}

/**
 * The spec's apps in its order, then apps still running that the spec no longer has (removed, not yet
 * deployed): they are what runs, so they are shown too.
 */
export function projectStatus(project: string, specApps: string[], objects: NamespaceObjects, now: number): ProjectStatus {
  const running = objects.deployments.map((deployment) => appOf(deployment)).filter((name): name is string => Boolean(name));
  const names = [...specApps, ...running.filter((name) => !specApps.includes(name))];
  const apps = names.map((name) =>
    appStatus(
      {
        name,
        deployment: objects.deployments.find((deployment) => deployment.metadata?.name === name && appOf(deployment) === name),
        replicaSets: byApp(objects.replicaSets, name),
        pods: byApp(objects.pods, name),
        autoscaler: byApp(objects.autoscalers, name)[0],
        ingress: byApp(objects.ingresses, name)[0],
        events: objects.events,
      },
      now,
    ),
  );
  const quota = objects.quotas.find((candidate) => candidate.metadata?.name === RESOURCE_QUOTA_NAME);
  return {
    project,
    cluster: "connected",
    deployed: true,
    health: worstHealth(apps.map((app) => app.health)),
    message: null,
    readAt: new Date(now).toISOString(),
    apps,
    quota: quota ? { hard: { ...quota.status?.hard }, used: { ...quota.status?.used } } : null,
  };
}
