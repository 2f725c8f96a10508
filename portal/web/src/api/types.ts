/** What the API answers (DESIGN.md §5). */
export interface User {
  id: string;
  email: string;
  name: string;
  emailConfirmed: boolean;
  isAdmin: boolean;
  createdAt: string;
}

export interface ApiToken {
  id: string;
  name: string;
  prefix: string;
  /** The one project it may act on; null: every project of its user. */
  project: string | null;
  /** The most it may do there; null: its user's own role. */
  role: Role | null;
  /** When it stops working; null: never. */
  expiresAt: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  /** Only in the answer to its creation: shown once. */
  token?: string;
}

/** A token to create: null project, role or expiry for all projects, the user's own role, no expiry. */
export interface NewApiToken {
  name: string;
  project: string | null;
  role: Role | null;
  /** 1 to 365. */
  expiresInDays: number | null;
}

export type Role = "owner" | "developer" | "viewer";
export type DeploymentStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled";

export interface Quota {
  cpu: string;
  memory: string;
  pods: number;
}

/** up and destroy are the project's history; previews and drift checks are engine runs that change nothing. */
export type DeploymentKind = "up" | "destroy" | "preview" | "drift";

export interface DeploymentSummary {
  id: string;
  kind: DeploymentKind;
  status: DeploymentStatus;
  error?: string | null;
  summary?: Record<string, number> | null;
  outputs?: Record<string, unknown> | null;
  /** An up that read the cluster back first, so changes made outside BabyHelm were put back. */
  refresh?: boolean;
  /** The deployment whose apps this up rolled back to. */
  rollbackOf?: string | null;
  upgradeId?: string | null;
  sdkVersion?: string | null;
  /** Set once the run has recorded what it deployed (spec and manifests): only then can it be viewed, compared or rolled back to. */
  manifestsDigest?: string | null;
  /** A preview's or drift check's per-resource plan, once it has run. */
  plan?: PlanStep[] | null;
  createdAt: string;
  startedAt?: string | null;
  finishedAt: string | null;
}

export interface Deployment extends DeploymentSummary {
  log: string;
  spec?: unknown;
}

export interface ProjectListItem {
  name: string;
  displayName: string | null;
  role: Role;
  quota: Quota;
  appCount: number;
  createdAt: string;
  /** A preview environment's end (ISO 8601): then it is destroyed and removed; null: never. */
  expiresAt?: string | null;
  lastDeployment: DeploymentSummary | null;
}

export interface App {
  name: string;
  image: string;
  port: number | null;
  replicas: number | null;
  command: string[] | null;
  args: string[] | null;
  env: Record<string, string>;
  secretEnv: Record<string, string>;
  resources: { cpu: string; memory: string };
  healthCheck: { path: string } | null;
  domain: string | null;
  /** private: its domain is served only through the platform's private network (its private ingress class). */
  visibility: AppVisibility;
  autoscale: { min: number; max: number; cpuPercent: number } | null;
}

export type AppVisibility = "public" | "private";

export interface Project {
  name: string;
  displayName: string | null;
  role: Role;
  quota: Quota;
  usage?: { cpu: string; memory: string; pods: number };
  monitoring: { dashboard: boolean };
  deployed: boolean;
  /** A preview environment's end (ISO 8601): then it is destroyed and removed; null: never. */
  expiresAt?: string | null;
  apps: App[];
  lastDeployment: DeploymentSummary | null;
}

export interface Member {
  userId: string;
  email: string;
  name: string;
  role: Role;
  addedAt: string;
}

/** GET /api/projects/:name/metrics: one panel's series, one per app (network: "<app> receive" and "<app> transmit"). */
export type MetricsPanelName = "cpu" | "memory" | "restarts" | "network";
export type MetricsUnit = "cores" | "bytes" | "restarts" | "bytes/s";

export interface MetricsSeries {
  name: string;
  labels: Record<string, string>;
  /** [unix seconds, value]; null where Prometheus had no sample. */
  values: [number, number | null][];
}

export interface MetricsAnswer {
  panel: MetricsPanelName;
  unit: MetricsUnit;
  range: string;
  /** Unix seconds. */
  start: number;
  end: number;
  /** Seconds. */
  step: number;
  /** The window rates and increases are taken over, a Prometheus duration ("300s"). */
  window?: string;
  series: MetricsSeries[];
  /** The project's Grafana dashboard, when the portal knows a Grafana. */
  grafanaUrl?: string;
}

/**
 * GET /api/projects/:name/status: what runs in a project's namespace, read live from the cluster. The
 * server's own types: a type-only import, nothing of the server reaches the bundle.
 */
export type {
  AppStatus,
  ClusterState,
  EventSummary,
  Health,
  PodStatus,
  Problem,
  ProblemCode,
  ProjectStatus,
  QuotaStatus,
  RolloutState,
} from "../../../server/src/status/types.js";

/** GET /api/projects/:name/apps/:app/logs as server-sent events: one per log line, notice and the end. */
export interface LogLineEvent {
  pod: string;
  container: string;
  text: string;
  /** ISO time the kubelet stamped on the line, when it has one. */
  time: string | null;
}

export interface LogNoticeEvent {
  message: string;
}

/** done: every stream read to its end. limit and timeout: the portal's bounds on one request. */
export type LogEndReason = "done" | "limit" | "timeout";

export interface LogEndEvent {
  reason: LogEndReason;
}

export interface LogQuery {
  tailLines?: number;
  sinceSeconds?: number;
  pod?: string;
  container?: string;
  previous?: boolean;
  follow?: boolean;
}

/**
 * GET /api/projects/:name/alerts: what the portal told the owners (and the webhook) about an app's health,
 * newest first, at most 50. A copy of HealthAlert in portal/server/src/services/health-alerts.ts.
 */
export type HealthAlertKind = "degraded" | "recovered";

/** pending: queued or being retried. suppressed: over the hourly limit of alerts, recorded but not sent. */
export type WebhookDeliveryStatus = "pending" | "delivered" | "failed" | "suppressed";

export interface HealthAlert {
  id: string;
  app: string;
  kind: HealthAlertKind;
  reason: string | null;
  /** The newest deployment that had succeeded when the alert was made. */
  deploymentId: string | null;
  /** Owners mailed (0 when rate-limited). */
  mailedTo: number;
  /** null: the project had no webhook then. */
  webhook: { status: WebhookDeliveryStatus; attempts: number } | null;
  createdAt: string;
}

/** GET /api/projects/:name/webhook (owners): where alerts are POSTed. The secret is only in the answer to PUT. */
export interface ProjectWebhook {
  url: string;
  secret?: string;
}

/** Plans (previews, drift checks), differences and upgrade rollouts: the server's own types. */
export type {
  FieldChange,
  ObjectChange,
  PlanChange,
  PlanOp,
  PlanStep,
  UpgradeCandidate,
  UpgradeProject,
  UpgradeProjectStatus,
  UpgradeStatus,
} from "../../../server/src/deployments/types.js";
import type { FieldChange, ObjectChange, PlanStep, UpgradeCandidate, UpgradeProject, UpgradeStatus } from "../../../server/src/deployments/types.js";

/** GET /api/projects/:name/deployments/:id/spec: what an up deployed, secret values masked. */
export interface DeploymentSpec {
  deploymentId: string;
  status: DeploymentStatus;
  sdkVersion: string | null;
  manifestsDigest: string | null;
  spec: unknown;
}

/** GET /api/projects/:name/deployments/:id/diff?from=: from one recorded up to another. */
export interface DeploymentDiff {
  from: { id: string; sdkVersion: string | null; manifestsDigest: string | null };
  to: { id: string; sdkVersion: string | null; manifestsDigest: string | null };
  spec: FieldChange[];
  manifests: ObjectChange[];
}

/** GET /api/projects/:name/drift: the last drift check, read against what was deployed since. */
export type DriftState = "not_deployed" | "unchecked" | "in_sync" | "drifted" | "reconciled" | "outdated" | "unknown";

export interface Drift {
  state: DriftState;
  message: string;
  checkId: string | null;
  checkedAt: string | null;
  /** The deployment the cluster was compared with. */
  against: string | null;
  /** Why the last check did not finish. */
  error: string | null;
  /** What differs, per resource: before is the cluster's value, after what BabyHelm deploys. */
  resources: PlanStep[];
  /** A check waiting or running. */
  pending: { id: string; status: DeploymentStatus } | null;
  /** How often every deployed project is checked; 0: on demand only. */
  intervalMs: number;
}

/** A rollout: the canary alone, then the others `concurrency` at a time, stopped by the first failure. */
export interface Upgrade {
  id: string;
  status: UpgradeStatus;
  concurrency: number;
  /** Why it stopped. */
  error: string | null;
  projects: UpgradeProject[];
  createdAt: string;
  finishedAt: string | null;
}

export interface UpgradePlan {
  /** The SDK this portal renders with. */
  sdkVersion: string;
  projects: UpgradeCandidate[];
  /** The latest rollouts, newest first. */
  rollouts: Upgrade[];
}

/** POST /api/admin/upgrades: the projects to upgrade (default: every changed one), the canary (default: the first). */
export interface UpgradeRequest {
  projects?: string[];
  canary?: string;
  /** 1 to 10 (default 2). */
  concurrency?: number;
}

/** GET /api/config: which optional parts this portal has (portal/server/src/routes/config.ts). */
export interface PortalConfig {
  sdkVersion: string;
  /** Without Prometheus: the server's sentence on how to connect one. */
  metrics: { enabled: boolean; message?: string };
  grafana: { enabled: boolean };
  engine: { name: "pulumi" | "mock"; available: boolean; problem?: string };
  cluster: { enabled: boolean };
  drift: { intervalMs: number };
}
