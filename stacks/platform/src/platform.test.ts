import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { renderProject, type ConfigMapObject, type NamespaceObject } from "@babyhelm/sdk";
import { recordResources, revealSecrets, type RecordedResource } from "../../../sdk/src/test-support/pulumi-mocks.js";
import { KUBE_PROMETHEUS_STACK_VERSION, readPlatformConfig } from "./config.js";
import { IngressController } from "./IngressController.js";
import { Monitoring } from "./Monitoring.js";
import type { ingressNginxValues, kubePrometheusStackValues } from "./values.js";

function withConfig(values: Record<string, unknown>, secretKeys: string[] = []) {
  pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(values).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)])), secretKeys);
}

async function platform(values: Record<string, unknown>, secretKeys: string[] = []) {
  withConfig(values, secretKeys);
  const recorded = await recordResources(() => {
    const config = readPlatformConfig();
    const monitoring = new Monitoring("monitoring", { config });
    if (config.ingressNginx) new IngressController("ingress", { config }, { dependsOn: [monitoring.release] });
  });
  const ofType = (type: string) => recorded.filter((resource) => resource.type === type);
  return { recorded, ofType };
}

const inputs = <T>(resource: RecordedResource | undefined) => revealSecrets(resource!.inputs).value as T;
/** A Helm release's inputs as recorded, its values of the shape values.ts gives them. */
interface ReleaseInputs<Values> {
  name: string;
  chart: string;
  namespace: string;
  values: Values;
}
type StackRelease = ReleaseInputs<ReturnType<typeof kubePrometheusStackValues>>;
type IngressNginxRelease = ReleaseInputs<ReturnType<typeof ingressNginxValues>>;

describe("the platform stack", () => {
  it("installs a pinned kube-prometheus-stack whose dashboard sidecar watches only the monitoring namespace", async () => {
    const { ofType } = await platform({});
    const releases = ofType("kubernetes:helm.sh/v3:Release");
    expect(releases).toHaveLength(1);
    const release = inputs<StackRelease>(releases[0]);
    expect(release).toMatchObject({
      name: "kube-prometheus-stack",
      chart: "kube-prometheus-stack",
      version: KUBE_PROMETHEUS_STACK_VERSION,
      repositoryOpts: { repo: "https://prometheus-community.github.io/helm-charts" },
      namespace: "monitoring",
    });
    expect(release.values.grafana.sidecar.dashboards).toEqual({
      enabled: true,
      label: "grafana_dashboard",
      labelValue: "1",
      searchNamespace: "monitoring",
      folderAnnotation: "grafana_folder",
      provider: { foldersFromFilesStructure: true },
    });
  });

  it("makes kube-state-metrics export BabyHelm's namespace and pod labels, and Prometheus select monitors in every namespace", async () => {
    const release = inputs<StackRelease>((await platform({})).ofType("kubernetes:helm.sh/v3:Release")[0]);
    expect(release.values["kube-state-metrics"].metricLabelsAllowlist).toEqual(
      expect.arrayContaining(["namespaces=[app.kubernetes.io/managed-by,babyhelm.io/project]", "pods=[app.kubernetes.io/name,babyhelm.io/app,babyhelm.io/project]"]),
    );
    expect(release.values.prometheus.prometheusSpec).toMatchObject({
      retention: "15d",
      retentionSize: "40GB",
      serviceMonitorSelectorNilUsesHelmValues: false,
      serviceMonitorSelector: {},
      serviceMonitorNamespaceSelector: {},
      podMonitorSelectorNilUsesHelmValues: false,
      podMonitorNamespaceSelector: {},
      storageSpec: { volumeClaimTemplate: { spec: { resources: { requests: { storage: "50Gi" } } } } },
    });
  });

  it("takes retention, storage and the Grafana password from config, the password as a secret", async () => {
    const { ofType } = await platform(
      { "babyhelm:prometheusRetention": "30d", "babyhelm:prometheusStorageSize": "200Gi", "babyhelm:storageClass": "fast", "babyhelm:grafanaAdminPassword": "correct-horse" },
      ["babyhelm:grafanaAdminPassword"],
    );
    const release = ofType("kubernetes:helm.sh/v3:Release")[0]!;
    const values = inputs<StackRelease>(release).values;
    expect(values.prometheus.prometheusSpec.retention).toBe("30d");
    expect(values.prometheus.prometheusSpec.retentionSize).toBe("160GB");
    expect(values.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec).toMatchObject({ storageClassName: "fast", resources: { requests: { storage: "200Gi" } } });
    expect(values.grafana.adminPassword).toBe("correct-horse");
    expect(revealSecrets(release.inputs).secretPaths.some((path) => path.startsWith("values"))).toBe(true);
    expect(ofType("random:index/randomPassword:RandomPassword")).toHaveLength(0);
  });

  it("generates a Grafana password when none is configured, instead of the chart's well-known default", async () => {
    const { ofType } = await platform({});
    expect(ofType("random:index/randomPassword:RandomPassword")).toHaveLength(1);
  });

  it("provisions the platform-wide dashboards as labelled ConfigMaps in the monitoring namespace", async () => {
    const configMaps = (await platform({})).ofType("kubernetes:core/v1:ConfigMap").map((resource) => inputs<ConfigMapObject>(resource));
    expect(configMaps.map((configMap) => configMap.metadata.name).sort()).toEqual(["babyhelm-platform-dashboard-babyhelm-app", "babyhelm-platform-dashboard-babyhelm-namespaces"]);
    for (const configMap of configMaps) {
      expect(configMap.metadata).toMatchObject({ namespace: "monitoring", labels: { grafana_dashboard: "1" }, annotations: { grafana_folder: "BabyHelm" } });
      const [json] = Object.values(configMap.data ?? {});
      expect(JSON.parse(json!).title).toMatch(/^BabyHelm \/ (App|Namespaces)$/);
    }
  });

  it("names its dashboard ConfigMaps so that no project's dashboard can take one over", async () => {
    const platformNames = (await platform({})).ofType("kubernetes:core/v1:ConfigMap").map((resource) => inputs<ConfigMapObject>(resource).metadata.name);
    for (const name of platformNames) {
      for (const project of [name, name.replace(/^babyhelm-platform-dashboard-/, ""), name.replace(/^babyhelm-/, "")]) {
        const rendered = await renderProject({ name: project.slice(0, 40).replace(/-$/, "") });
        const configMaps = rendered.filter((object) => object.kind === "ConfigMap").map((object) => object.metadata.name);
        expect(configMaps).toHaveLength(1);
        expect(configMaps).not.toContain(name);
      }
    }
  });

  it("keeps the monitoring namespace out of the list of BabyHelm projects", async () => {
    const namespace = inputs<NamespaceObject>((await platform({})).ofType("kubernetes:core/v1:Namespace")[0]);
    expect(namespace.metadata.name).toBe("monitoring");
    expect(namespace.metadata.labels).not.toHaveProperty("app.kubernetes.io/managed-by");
  });

  it("installs ingress-nginx only when asked, with the platform's ingress class", async () => {
    expect((await platform({})).ofType("kubernetes:helm.sh/v3:Release")).toHaveLength(1);
    const { ofType } = await platform({ "babyhelm:ingressNginx": "true", "babyhelm:platform": { ingressClassName: "public" } });
    const ingress = ofType("kubernetes:helm.sh/v3:Release")
      .map((resource) => inputs<IngressNginxRelease>(resource))
      .find((release) => release.chart === "ingress-nginx");
    expect(ingress).toMatchObject({ namespace: "ingress-nginx", repositoryOpts: { repo: "https://kubernetes.github.io/ingress-nginx" } });
    expect(ingress?.values.controller).toMatchObject({ ingressClassResource: { name: "public" }, allowSnippetAnnotations: false });
  });

  it("refuses bad settings, naming each key and what to use", () => {
    withConfig({ "babyhelm:prometheusRetention": "two weeks", "babyhelm:prometheusStorageSize": "lots", "babyhelm:platform": { ingressNamespace: "Bad_NS" } });
    expect(() => readPlatformConfig()).toThrow(
      /babyhelm:platform\.ingressNamespace: "Bad_NS" is not a valid name[\s\S]*babyhelm:prometheusStorageSize: "lots" is not a size[\s\S]*babyhelm:prometheusRetention: "two weeks" is not valid; use something like "15d"/,
    );
  });
});
