/** The ConfigMap that carries a project's dashboard to Grafana's dashboard sidecar. */
import type { ConfigMapObject } from "../kubernetes.js";
import { projectLabels } from "../labels.js";
import type { ResolvedPlatformOptions } from "../platform.js";
import { projectDashboard, type ProjectDashboardOptions } from "./dashboards.js";

/** Grafana's sidecar loads ConfigMaps with this label and value (kube-prometheus-stack's defaults). */
export const DASHBOARD_LABEL = "grafana_dashboard";
export const DASHBOARD_LABEL_VALUE = "1";
/** The sidecar puts each dashboard into the folder this annotation names (`folderAnnotation` in the platform stack). */
export const DASHBOARD_FOLDER_ANNOTATION = "grafana_folder";
export const DASHBOARD_FOLDER = "BabyHelm";

/** Distinct prefixes: a project named like a platform dashboard can never take over its ConfigMap. */
export function projectDashboardConfigMapName(project: string): string {
  return `babyhelm-project-dashboard-${project}`;
}

export function platformDashboardConfigMapName(file: string): string {
  return `babyhelm-platform-dashboard-${file.replace(/\.json$/, "")}`;
}

/** A dashboard as a ConfigMap the sidecar picks up; only the monitoring namespace is watched, so tenants cannot inject one. */
export function dashboardConfigMap(name: string, fileName: string, dashboard: object, labels: Record<string, string>, platform: ResolvedPlatformOptions): ConfigMapObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name,
      namespace: platform.monitoringNamespace,
      labels: { ...labels, [DASHBOARD_LABEL]: DASHBOARD_LABEL_VALUE },
      annotations: { [DASHBOARD_FOLDER_ANNOTATION]: DASHBOARD_FOLDER },
    },
    data: { [fileName]: JSON.stringify(dashboard) },
  };
}

export function buildProjectDashboardConfigMap(options: ProjectDashboardOptions, platform: ResolvedPlatformOptions): ConfigMapObject {
  return dashboardConfigMap(
    projectDashboardConfigMapName(options.project),
    `${projectDashboardConfigMapName(options.project)}.json`,
    projectDashboard(options),
    projectLabels(options.project),
    platform,
  );
}
