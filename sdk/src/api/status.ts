/** What runs in a project's namespace, read live from the cluster, and its apps' logs. */
import { z } from "zod";
import { appParams, nullableTimestamp, projectParams, timestamp } from "./common.js";
import { endpoint } from "./endpoint.js";

/** healthy: every desired pod ready. progressing: a rollout under way. degraded: pods failing or a rollout stalled. missing: nothing in the cluster. */
export const HEALTHS = ["healthy", "progressing", "degraded", "missing"] as const;
export type Health = (typeof HEALTHS)[number];
/** not_configured: the portal has no kubeconfig. unreachable: the API server did not answer. */
export const CLUSTER_STATES = ["connected", "not_configured", "unreachable"] as const;
export type ClusterState = (typeof CLUSTER_STATES)[number];
/** Why a pod does not serve, in the order a person must fix them: a pod with several shows the earliest. */
export const PROBLEM_CODES = [
  "ImagePullBackOff",
  "ErrImagePull",
  "CrashLoopBackOff",
  "OOMKilled",
  "CreateContainerConfigError",
  "Unschedulable",
  "Pending",
  "Terminating",
  "Failed",
  "NotReady",
] as const;
export type ProblemCode = (typeof PROBLEM_CODES)[number];
export const ROLLOUT_STATES = ["progressing", "complete", "stalled"] as const;
export type RolloutState = (typeof ROLLOUT_STATES)[number];

/** Why a pod does not serve, in words a developer can act on. */
export const problem = z.strictObject({
  code: z.enum(PROBLEM_CODES),
  /** A sentence for people: the cluster's own message where it has one (the scheduler's, the kubelet's). */
  message: z.string(),
  /** For CrashLoopBackOff and OOMKilled: the exit code of the last run. */
  exitCode: z.number().optional(),
});
export type Problem = z.infer<typeof problem>;

export const podStatus = z.strictObject({
  name: z.string(),
  phase: z.string(),
  ready: z.boolean(),
  restarts: z.number(),
  /** When a container of the pod last ended (the moment of its last restart). */
  lastRestartAt: nullableTimestamp,
  node: z.string().nullable(),
  startedAt: nullableTimestamp,
  problem: problem.nullable(),
});
export type PodStatus = z.infer<typeof podStatus>;

export const eventSummary = z.strictObject({
  type: z.enum(["Warning", "Normal"]),
  reason: z.string(),
  message: z.string(),
  object: z.strictObject({ kind: z.string(), name: z.string() }),
  count: z.number(),
  lastSeen: nullableTimestamp,
});
export type EventSummary = z.infer<typeof eventSummary>;

export const appStatus = z.strictObject({
  name: z.string(),
  health: z.enum(HEALTHS),
  /** Why the app is not healthy, in words; null when it is. */
  reason: z.string().nullable(),
  replicas: z.strictObject({ desired: z.number(), ready: z.number(), updated: z.number(), available: z.number() }),
  rollout: z.strictObject({ state: z.enum(ROLLOUT_STATES), reason: z.string().nullable(), message: z.string().nullable() }),
  autoscaler: z.strictObject({ current: z.number(), desired: z.number(), min: z.number().nullable(), max: z.number() }).nullable(),
  ingress: z.strictObject({ url: z.string(), served: z.boolean(), address: z.string().nullable() }).nullable(),
  pods: z.array(podStatus),
  /** Recent Warning events of the app's Deployment, ReplicaSets, pods, Service, Ingress and autoscaler, newest first. */
  events: z.array(eventSummary),
});
export type AppStatus = z.infer<typeof appStatus>;

/** Resource name (requests.cpu, limits.memory, pods, ...) -> quantity as the cluster reports it. */
export const quotaStatus = z.strictObject({ hard: z.record(z.string(), z.string()), used: z.record(z.string(), z.string()) });
export type QuotaStatus = z.infer<typeof quotaStatus>;

export const projectStatus = z
  .strictObject({
    project: z.string(),
    cluster: z.enum(CLUSTER_STATES),
    /** Whether the project's namespace exists in the cluster. */
    deployed: z.boolean(),
    /** Worst health of the apps; missing when nothing is deployed; null when the cluster could not be read. */
    health: z.enum(HEALTHS).nullable(),
    /** Why there is nothing to show (no cluster, never deployed), for people. */
    message: z.string().nullable(),
    readAt: timestamp,
    apps: z.array(appStatus),
    quota: quotaStatus.nullable(),
  })
  .meta({ id: "ProjectStatus" });
export type ProjectStatus = z.infer<typeof projectStatus>;

export const getProjectStatus = endpoint({
  id: "getProjectStatus",
  method: "GET",
  path: "/api/projects/{name}/status",
  summary: "Live health per app and pod, recent events and the quota used, read from the cluster",
  access: { project: "viewer" },
  params: projectParams,
  responses: { 200: projectStatus },
});

export const DEFAULT_TAIL_LINES = 200;
export const MAX_TAIL_LINES = 5_000;
export const MAX_SINCE_SECONDS = 7 * 24 * 3600;

const once = (message: string) => z.string({ message: `${message}; give it once` });
const wholeNumber = (field: string, min: number, max: number) =>
  once("must be a whole number")
    .regex(/^\d{1,9}$/, { message: `must be a whole number from ${min} to ${max}` })
    .transform(Number)
    .refine((value) => value >= min && value <= max, { message: `must be a whole number from ${min} to ${max} (${field})` });
const flag = once('must be "true" or "false"')
  .regex(/^(true|false|1|0)$/, { message: 'must be "true" or "false"' })
  .transform((value) => value === "true" || value === "1");
// Kubernetes object names: nothing else can be a pod or container, so nothing else reaches a URL path.
const podName = once("must be a pod name").regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, { message: "must be a pod name of the app, such as web-7d9f8b6c5-x2x8q" });
const containerName = once("must be a container name").regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, { message: "must be a container name of the app's pods" });

export const logQuery = z.strictObject({
  tailLines: wholeNumber("tailLines", 1, MAX_TAIL_LINES).optional(),
  sinceSeconds: wholeNumber("sinceSeconds", 1, MAX_SINCE_SECONDS).optional(),
  pod: podName.optional(),
  container: containerName.optional(),
  previous: flag.optional(),
  follow: flag.optional(),
});
export type LogQuery = z.output<typeof logQuery>;

/** The events of a log stream (Accept: text/event-stream): one per line, notices, and the end. */
export const logLineEvent = z.strictObject({ pod: z.string(), container: z.string(), text: z.string(), time: nullableTimestamp });
export type LogLineEvent = z.infer<typeof logLineEvent>;
export type LogNoticeEvent = { message: string };
/** done: every stream read to its end. limit and timeout: the portal's bounds on one request. */
export type LogEndReason = "done" | "limit" | "timeout";
export type LogEndEvent = { reason: LogEndReason };

export const getAppLogs = endpoint({
  id: "getAppLogs",
  method: "GET",
  path: "/api/projects/{name}/apps/{app}/logs",
  summary: "The app's pods' logs (developers and owners): server-sent events line, notice and end with Accept: text/event-stream, plain lines otherwise",
  access: { project: "developer" },
  params: appParams,
  query: logQuery,
  responses: { 200: { contentType: "text/plain", description: "`[pod] line` per line; with Accept: text/event-stream, events line, notice and end" } },
});
