/** Helm values of the platform's charts, as plain data: the components pass them on, the tests read them. */
import { DASHBOARD_FOLDER_ANNOTATION, DASHBOARD_LABEL, DASHBOARD_LABEL_VALUE } from "@babyhelm/sdk";

export interface MonitoringValuesArgs {
  monitoringNamespace: string;
  prometheusRetention: string;
  prometheusStorageSize: string;
  /** Prometheus deletes the oldest blocks beyond this, so the volume never fills before the retention ends. */
  prometheusRetentionSize: string;
  storageClass?: string;
  /** A secret Output in the program; Helm receives it in the release's values. */
  grafanaAdminPassword: unknown;
}

/**
 * kube-state-metrics must export these Kubernetes labels for BabyHelm's queries: the namespace label lists
 * BabyHelm namespaces in the dashboards, the pod labels attribute pods to apps and projects.
 */
export const KUBE_STATE_METRICS_LABELS = [
  "namespaces=[app.kubernetes.io/managed-by,babyhelm.io/project]",
  "pods=[app.kubernetes.io/name,babyhelm.io/app,babyhelm.io/project]",
  "deployments=[babyhelm.io/app,babyhelm.io/project]",
];

export function kubePrometheusStackValues(args: MonitoringValuesArgs) {
  const storageClass = args.storageClass ? { storageClassName: args.storageClass } : {};
  return {
    grafana: {
      adminPassword: args.grafanaAdminPassword,
      sidecar: {
        dashboards: {
          enabled: true,
          label: DASHBOARD_LABEL,
          labelValue: DASHBOARD_LABEL_VALUE,
          // Only the monitoring namespace: a tenant who could write a ConfigMap elsewhere cannot inject a dashboard.
          searchNamespace: args.monitoringNamespace,
          folderAnnotation: DASHBOARD_FOLDER_ANNOTATION,
          provider: { foldersFromFilesStructure: true },
        },
      },
      // No volume: dashboards and the data source are provisioned, so nothing of value lives in Grafana's
      // database, and a ReadWriteOnce volume would block rolling updates across nodes.
      persistence: { enabled: false },
    },
    "kube-state-metrics": { metricLabelsAllowlist: KUBE_STATE_METRICS_LABELS },
    prometheus: {
      prometheusSpec: {
        retention: args.prometheusRetention,
        retentionSize: args.prometheusRetentionSize,
        // Select ServiceMonitors, PodMonitors and rules in every namespace, not only those of this Helm release.
        serviceMonitorSelectorNilUsesHelmValues: false,
        serviceMonitorSelector: {},
        serviceMonitorNamespaceSelector: {},
        podMonitorSelectorNilUsesHelmValues: false,
        podMonitorSelector: {},
        podMonitorNamespaceSelector: {},
        ruleSelectorNilUsesHelmValues: false,
        ruleSelector: {},
        ruleNamespaceSelector: {},
        storageSpec: {
          volumeClaimTemplate: {
            spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: args.prometheusStorageSize } }, ...storageClass },
          },
        },
      },
    },
  };
}

export function ingressNginxValues(args: { ingressClassName: string }) {
  return {
    controller: {
      ingressClass: args.ingressClassName,
      ingressClassResource: { name: args.ingressClassName, default: false },
      // Snippet annotations let a tenant's Ingress inject nginx configuration (CVE-2021-25742 and successors).
      allowSnippetAnnotations: false,
      metrics: { enabled: true, serviceMonitor: { enabled: true } },
    },
  };
}
