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
  createdAt: string;
  lastUsedAt: string | null;
  /** Only in the answer to its creation: shown once. */
  token?: string;
}

export type Role = "owner" | "developer" | "viewer";
export type DeploymentStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled";

export interface Quota {
  cpu: string;
  memory: string;
  pods: number;
}

export interface DeploymentSummary {
  id: string;
  kind: "up" | "destroy";
  status: DeploymentStatus;
  error?: string | null;
  summary?: Record<string, number> | null;
  outputs?: Record<string, unknown> | null;
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
  autoscale: { min: number; max: number; cpuPercent: number } | null;
}

export interface Project {
  name: string;
  displayName: string | null;
  role: Role;
  quota: Quota;
  usage?: { cpu: string; memory: string; pods: number };
  monitoring: { dashboard: boolean };
  deployed: boolean;
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
