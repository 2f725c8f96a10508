/**
 * From the objects of one namespace, as the API server lists them, to what a person needs: each app's
 * health, rollout, pods with the first problem of each, and its recent warnings. Pure: no client, no clock
 * (`now` is given), so every rule is tested on plain objects (health.test.ts).
 */
import type { CoreV1Event, V1ContainerStatus, V1Deployment, V2HorizontalPodAutoscaler, V1Ingress, V1Pod, V1ReplicaSet } from "@kubernetes/client-node";
import { PROBLEM_CODES } from "@babyhelm/sdk/api";
import type { AppStatus, EventSummary, Health, PodStatus, Problem, ProblemCode, RolloutState } from "./types.js";

/** What a person must fix first comes first: the contract lists the codes in that order. */
export const PROBLEM_ORDER: readonly ProblemCode[] = PROBLEM_CODES;

/** Problems that make an app degraded; the others (Pending, Terminating, NotReady) are part of a rollout until it stalls. */
const DEGRADING: ReadonlySet<ProblemCode> = new Set(["ImagePullBackOff", "ErrImagePull", "CrashLoopBackOff", "OOMKilled", "CreateContainerConfigError", "Unschedulable", "Failed"]);

/** A container that ran out of memory this long ago still degrades its app: it will likely do it again. */
export const RECENT_OOM_MS = 15 * 60_000;

/** Warnings older than this are history, not status. */
export const RECENT_EVENT_MS = 60 * 60_000;
export const EVENTS_PER_APP = 10;

const HEALTH_RANK: Record<Health, number> = { healthy: 0, progressing: 1, missing: 2, degraded: 3 };

export function worstHealth(healths: Health[]): Health {
  return healths.reduce<Health>((worst, health) => (HEALTH_RANK[health] > HEALTH_RANK[worst] ? health : worst), "healthy");
}

export interface AppObjects {
  name: string;
  deployment?: V1Deployment;
  replicaSets: V1ReplicaSet[];
  pods: V1Pod[];
  autoscaler?: V2HorizontalPodAutoscaler;
  ingress?: V1Ingress;
  /** Warning events of the namespace; those of this app's objects are picked here. */
  events: CoreV1Event[];
}

function iso(value: Date | string | undefined | null): string | null {
  if (!value) return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

function time(value: Date | string | undefined | null): number {
  const text = iso(value);
  return text ? Date.parse(text) : 0;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

function containerProblem(status: V1ContainerStatus, now: number): Problem | undefined {
  const waiting = status.state?.waiting;
  const last = status.lastState?.terminated;
  const current = status.state?.terminated;
  const restarts = status.restartCount ?? 0;
  switch (waiting?.reason) {
    case "ImagePullBackOff":
    case "ErrImagePull":
      return { code: waiting.reason, message: `The image ${status.image} cannot be pulled${waiting.message ? `: ${waiting.message}` : "."}` };
    case "CrashLoopBackOff": {
      const exitCode = last?.exitCode;
      const cause = last?.reason === "OOMKilled" ? "it ran out of memory (OOMKilled)" : exitCode !== undefined ? `it exits with code ${exitCode}` : "it keeps exiting";
      return {
        code: "CrashLoopBackOff",
        message: `The container keeps crashing: ${cause}; restarted ${plural(restarts, "time")}.`,
        ...(exitCode !== undefined ? { exitCode } : {}),
      };
    }
    case "CreateContainerConfigError":
      return {
        code: "CreateContainerConfigError",
        message: `The container cannot be configured${waiting.message ? `: ${waiting.message}` : " (a missing Secret or ConfigMap key?)."}`,
      };
  }
  const oom = [current, last].find((state) => state?.reason === "OOMKilled");
  if (oom && (oom === current || now - time(oom.finishedAt) < RECENT_OOM_MS)) {
    return { code: "OOMKilled", message: `The container ran out of memory and was killed (exit code ${oom.exitCode}); give it more memory.`, exitCode: oom.exitCode };
  }
  return undefined;
}

/** The first problem of a pod in PROBLEM_ORDER, or null when it runs as it should. */
export function podProblem(pod: V1Pod, now: number): Problem | null {
  const found: Problem[] = [];
  for (const status of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    const problem = containerProblem(status, now);
    if (problem) found.push(problem);
  }
  const phase = pod.status?.phase ?? "Pending";
  if (pod.metadata?.deletionTimestamp) found.push({ code: "Terminating", message: "The pod is shutting down." });
  if (phase === "Pending") {
    const scheduled = pod.status?.conditions?.find((condition) => condition.type === "PodScheduled");
    if (scheduled?.status === "False" && scheduled.reason === "Unschedulable") {
      found.push({ code: "Unschedulable", message: `No node can run the pod: ${scheduled.message ?? "the scheduler gave no reason"}` });
    } else {
      found.push({ code: "Pending", message: scheduled?.status === "True" ? "The pod is starting." : "The pod waits for a node." });
    }
  }
  if (phase === "Failed")
    found.push({ code: "Failed", message: `The pod failed${pod.status?.message ? `: ${pod.status.message}` : pod.status?.reason ? ` (${pod.status.reason})` : "."}` });
  if (phase === "Running" && !isReady(pod)) found.push({ code: "NotReady", message: "The pod runs but does not pass its health check." });
  found.sort((a, b) => PROBLEM_ORDER.indexOf(a.code) - PROBLEM_ORDER.indexOf(b.code));
  return found[0] ?? null;
}

function isReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((condition) => condition.type === "Ready" && condition.status === "True") ?? false;
}

export function podStatus(pod: V1Pod, now: number): PodStatus {
  const containers = pod.status?.containerStatuses ?? [];
  const lastRestart = containers
    .map((status) => status.lastState?.terminated?.finishedAt)
    .filter((value): value is Date => Boolean(value))
    .sort((a, b) => time(b) - time(a))[0];
  return {
    name: pod.metadata?.name ?? "",
    phase: pod.metadata?.deletionTimestamp ? "Terminating" : (pod.status?.phase ?? "Pending"),
    ready: isReady(pod),
    restarts: containers.reduce((sum, status) => sum + (status.restartCount ?? 0), 0),
    lastRestartAt: iso(lastRestart),
    node: pod.spec?.nodeName ?? null,
    startedAt: iso(pod.status?.startTime),
    problem: podProblem(pod, now),
  };
}

export interface Rollout {
  state: RolloutState;
  reason: string | null;
  message: string | null;
}

/** As `kubectl rollout status` decides it, plus a ReplicaFailure (e.g. the quota refusing pods) counting as stalled. */
export function rolloutOf(deployment: V1Deployment): Rollout {
  const conditions = deployment.status?.conditions ?? [];
  const failure = conditions.find((condition) => condition.type === "ReplicaFailure" && condition.status === "True");
  if (failure) return { state: "stalled", reason: failure.reason ?? "ReplicaFailure", message: failure.message ?? null };
  const progressing = conditions.find((condition) => condition.type === "Progressing");
  if (progressing?.reason === "ProgressDeadlineExceeded") {
    return { state: "stalled", reason: "ProgressDeadlineExceeded", message: progressing.message ?? null };
  }
  const desired = deployment.spec?.replicas ?? 1;
  const status = deployment.status ?? {};
  const observed = (status.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 0);
  // A rollout that reached its new ReplicaSet is over, even when a pod has crashed since: that is the
  // app's health (its pods), not a rollout in progress.
  const reached = (status.availableReplicas ?? 0) >= desired || progressing?.reason === "NewReplicaSetAvailable";
  const done = observed && (status.updatedReplicas ?? 0) >= desired && (status.replicas ?? 0) <= (status.updatedReplicas ?? 0) && reached;
  return done ? { state: "complete", reason: null, message: null } : { state: "progressing", reason: progressing?.reason ?? null, message: progressing?.message ?? null };
}

/** Names of the objects whose warnings belong to the app: its own objects, its ReplicaSets and their pods, also the gone ones. */
function ownsEvent(app: AppObjects, event: CoreV1Event): boolean {
  const { kind, name = "" } = event.involvedObject ?? {};
  switch (kind) {
    case "Deployment":
    case "Service":
    case "Ingress":
    case "HorizontalPodAutoscaler":
    case "PodDisruptionBudget":
      return name === app.name;
    case "ReplicaSet":
      return app.replicaSets.some((set) => set.metadata?.name === name);
    case "Pod":
      return app.pods.some((pod) => pod.metadata?.name === name) || app.replicaSets.some((set) => name.startsWith(`${set.metadata?.name}-`));
    default:
      return false;
  }
}

function eventTime(event: CoreV1Event): number {
  return time(event.series?.lastObservedTime ?? event.lastTimestamp ?? event.eventTime ?? event.metadata?.creationTimestamp);
}

export function appEvents(app: AppObjects, now: number): EventSummary[] {
  return app.events
    .filter((event) => event.type === "Warning" && ownsEvent(app, event) && now - eventTime(event) < RECENT_EVENT_MS)
    .sort((a, b) => eventTime(b) - eventTime(a))
    .slice(0, EVENTS_PER_APP)
    .map((event) => ({
      type: "Warning" as const,
      reason: event.reason ?? "",
      message: event.message ?? "",
      object: { kind: event.involvedObject?.kind ?? "", name: event.involvedObject?.name ?? "" },
      count: event.series?.count ?? event.count ?? 1,
      lastSeen: iso(new Date(eventTime(event))),
    }));
}

function ingressOf(ingress: V1Ingress | undefined): AppStatus["ingress"] {
  const host = ingress?.spec?.rules?.[0]?.host;
  if (!ingress || !host) return null;
  const secure = ingress.spec?.tls?.some((tls) => tls.hosts?.includes(host)) ?? false;
  const address = ingress.status?.loadBalancer?.ingress?.[0];
  return { url: `${secure ? "https" : "http"}://${host}/`, served: Boolean(address), address: address?.ip ?? address?.hostname ?? null };
}

/** The pods of the Deployment's current and older ReplicaSets: a pod of another app with the same label is not this app's. */
function ownedPods(app: AppObjects): V1Pod[] {
  const sets = new Set(app.replicaSets.map((set) => set.metadata?.uid));
  return app.pods.filter((pod) => pod.metadata?.ownerReferences?.some((owner) => owner.kind === "ReplicaSet" && sets.has(owner.uid)));
}

export function appStatus(objects: AppObjects, now: number): AppStatus {
  const { deployment, autoscaler } = objects;
  const replicaSets = deployment
    ? objects.replicaSets.filter((set) => set.metadata?.ownerReferences?.some((owner) => owner.kind === "Deployment" && owner.uid === deployment.metadata?.uid))
    : [];
  const app = { ...objects, replicaSets };
  const pods = ownedPods(app)
    .map((pod) => podStatus(pod, now))
    .sort((a, b) => a.name.localeCompare(b.name));
  const events = appEvents(app, now);
  const base = {
    name: objects.name,
    pods,
    events,
    autoscaler: autoscaler
      ? {
          current: autoscaler.status?.currentReplicas ?? 0,
          desired: autoscaler.status?.desiredReplicas ?? 0,
          min: autoscaler.spec?.minReplicas ?? null,
          max: autoscaler.spec?.maxReplicas ?? 0,
        }
      : null,
    ingress: ingressOf(objects.ingress),
  };
  if (!deployment) {
    return {
      ...base,
      health: "missing",
      reason: "The app is not in the cluster: deploy the project.",
      replicas: { desired: 0, ready: 0, updated: 0, available: 0 },
      rollout: { state: "progressing", reason: null, message: null },
    };
  }
  const replicas = {
    desired: deployment.spec?.replicas ?? 1,
    ready: deployment.status?.readyReplicas ?? 0,
    updated: deployment.status?.updatedReplicas ?? 0,
    available: deployment.status?.availableReplicas ?? 0,
  };
  const rollout = rolloutOf(deployment);
  const { health, reason } = judge(replicas, rollout, pods);
  return { ...base, health, reason, replicas, rollout };
}

function judge(replicas: AppStatus["replicas"], rollout: Rollout, pods: PodStatus[]): { health: Health; reason: string | null } {
  const problems = pods.flatMap((pod) => (pod.problem ? [pod.problem] : []));
  problems.sort((a, b) => PROBLEM_ORDER.indexOf(a.code) - PROBLEM_ORDER.indexOf(b.code));
  const first = problems[0];
  const affected = first ? problems.filter((problem) => problem.code === first.code).length : 0;
  const inWords = first ? `${first.code}${pods.length > 1 ? ` (${affected} of ${plural(pods.length, "pod")})` : ""}: ${first.message}` : null;
  if (first && DEGRADING.has(first.code)) return { health: "degraded", reason: inWords };
  if (rollout.state === "stalled") return { health: "degraded", reason: `The rollout is stuck (${rollout.reason}): ${rollout.message ?? "no new pods become ready."}` };
  if (rollout.state === "progressing")
    return { health: "progressing", reason: inWords ?? `Rolling out: ${replicas.updated} of ${replicas.desired} updated, ${replicas.available} available.` };
  if (replicas.ready < replicas.desired) return { health: "degraded", reason: inWords ?? `${replicas.ready} of ${replicas.desired} pods are ready.` };
  return { health: "healthy", reason: null };
}
