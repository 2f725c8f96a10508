/**
 * The answer of `GET /api/projects/:name/status`: what runs in a project's namespace, read live from the
 * cluster. The web app imports these types (portal/web/src/api/types.ts): they are the one definition.
 */

/** healthy: every desired pod ready. progressing: a rollout under way. degraded: pods failing or a rollout stalled. missing: nothing in the cluster. */
export type Health = "healthy" | "progressing" | "degraded" | "missing";

/** not_configured: the portal has no kubeconfig. unreachable: the API server did not answer. */
export type ClusterState = "connected" | "not_configured" | "unreachable";

/** The one reason a person needs first, in the order of PROBLEM_ORDER (health.ts). */
export type ProblemCode =
  | "ImagePullBackOff"
  | "ErrImagePull"
  | "CrashLoopBackOff"
  | "OOMKilled"
  | "CreateContainerConfigError"
  | "Unschedulable"
  | "Pending"
  | "Terminating"
  | "NotReady"
  | "Failed";

export interface Problem {
  code: ProblemCode;
  /** A sentence for people: the cluster's own message where it has one (the scheduler's, the kubelet's). */
  message: string;
  /** For CrashLoopBackOff and OOMKilled: the exit code of the last run. */
  exitCode?: number;
}

export interface PodStatus {
  name: string;
  phase: string;
  ready: boolean;
  restarts: number;
  /** When a container of the pod last ended (the moment of its last restart). */
  lastRestartAt: string | null;
  node: string | null;
  startedAt: string | null;
  problem: Problem | null;
}

export interface EventSummary {
  type: "Warning" | "Normal";
  reason: string;
  message: string;
  object: { kind: string; name: string };
  count: number;
  lastSeen: string | null;
}

export type RolloutState = "progressing" | "complete" | "stalled";

export interface AppStatus {
  name: string;
  health: Health;
  /** Why the app is not healthy, in words; null when it is. */
  reason: string | null;
  replicas: { desired: number; ready: number; updated: number; available: number };
  rollout: { state: RolloutState; reason: string | null; message: string | null };
  autoscaler: { current: number; desired: number; min: number | null; max: number } | null;
  ingress: { url: string; served: boolean; address: string | null } | null;
  pods: PodStatus[];
  /** Recent Warning events of the app's Deployment, ReplicaSets, pods, Service, Ingress and autoscaler, newest first. */
  events: EventSummary[];
}

export interface QuotaStatus {
  /** Resource name (requests.cpu, limits.memory, pods, ...) -> quantity as the cluster reports it. */
  hard: Record<string, string>;
  used: Record<string, string>;
}

export interface ProjectStatus {
  project: string;
  cluster: ClusterState;
  /** Whether the project's namespace exists in the cluster. */
  deployed: boolean;
  /** Worst health of the apps; missing when nothing is deployed; null when the cluster could not be read. */
  health: Health | null;
  /** Why there is nothing to show (no cluster, never deployed), for people. */
  message: string | null;
  readAt: string;
  apps: AppStatus[];
  quota: QuotaStatus | null;
}
