import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { dashboardConfigMap, platformDashboardConfigMapName, platformDashboards } from "@babyhelm/sdk";
import type { PlatformStackConfig } from "./config.js";
import { kubePrometheusStackValues } from "./values.js";

export const PLATFORM_COMPONENT_LABEL = "babyhelm.io/component";

export interface MonitoringArgs {
  /** The checked platform config; see config.ts for every setting and its default. */
  config: PlatformStackConfig;
}

/**
 * Prometheus, Grafana, kube-state-metrics and node-exporter (kube-prometheus-stack) in the monitoring
 * namespace, with BabyHelm's platform-wide dashboards provisioned as ConfigMaps.
 */
export class Monitoring extends pulumi.ComponentResource {
  public readonly namespace: pulumi.Output<string>;
  public readonly release: k8s.helm.v3.Release;
  public readonly grafanaAdminPassword: pulumi.Output<string>;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("babyhelm:platform:Monitoring", name, {}, opts);
    const { config } = args;
    const monitoringNamespace = config.platform.monitoringNamespace;

    const namespace = new k8s.core.v1.Namespace(
      `${name}/namespace`,
      {
        metadata: {
          name: monitoringNamespace,
          // Not `managed-by: babyhelm`: that label marks tenant projects, which the dashboards list.
          // node-exporter needs the host's network, PIDs and filesystem: privileged, and only here.
          labels: { [PLATFORM_COMPONENT_LABEL]: "monitoring", "pod-security.kubernetes.io/enforce": "privileged" },
        },
      },
      { parent: this },
    );
    this.namespace = namespace.metadata.name;

    this.grafanaAdminPassword = config.grafanaAdminPassword ?? new random.RandomPassword(`${name}/grafana-admin`, { length: 32, special: false }, { parent: this }).result;

    this.release = new k8s.helm.v3.Release(
      `${name}/kube-prometheus-stack`,
      {
        name: "kube-prometheus-stack",
        chart: "kube-prometheus-stack",
        version: config.kubePrometheusStackVersion,
        repositoryOpts: { repo: "https://prometheus-community.github.io/helm-charts" },
        namespace: this.namespace,
        createNamespace: false,
        timeout: 900,
        atomic: true,
        cleanupOnFail: true,
        maxHistory: 5,
        values: kubePrometheusStackValues({
          monitoringNamespace,
          prometheusRetention: config.prometheusRetention,
          prometheusStorageSize: config.prometheusStorageSize,
          prometheusRetentionSize: config.prometheusRetentionSize,
          storageClass: config.storageClass,
          grafanaAdminPassword: pulumi.secret(this.grafanaAdminPassword),
        }),
      },
      { parent: this },
    );

    for (const [file, dashboard] of Object.entries(platformDashboards())) {
      const configMap = dashboardConfigMap(platformDashboardConfigMapName(file), file, dashboard, { [PLATFORM_COMPONENT_LABEL]: "dashboards" }, config.platform);
      new k8s.core.v1.ConfigMap(`${name}/${configMap.metadata.name}`, { ...configMap, metadata: { ...configMap.metadata, namespace: this.namespace } }, { parent: this });
    }
    this.registerOutputs({ namespace: this.namespace, release: this.release.status.name });
  }
}
