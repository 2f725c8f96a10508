import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformStackConfig } from "./config.js";
import { PLATFORM_COMPONENT_LABEL } from "./Monitoring.js";
import { ingressNginxValues } from "./values.js";

export interface IngressControllerArgs {
  /** The checked platform config: ingress namespace, class and chart version. */
  config: PlatformStackConfig;
}

/**
 * ingress-nginx, for clusters without an ingress controller. Upstream retired ingress-nginx in 2026, so it
 * is off by default: bring a maintained controller and set `babyhelm:platform.ingressClassName` to its class.
 */
export class IngressController extends pulumi.ComponentResource {
  public readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: IngressControllerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("babyhelm:platform:IngressController", name, {}, opts);
    const { platform, ingressNginxVersion } = args.config;
    const namespace = new k8s.core.v1.Namespace(
      `${name}/namespace`,
      { metadata: { name: platform.ingressNamespace, labels: { [PLATFORM_COMPONENT_LABEL]: "ingress" } } },
      { parent: this },
    );
    this.release = new k8s.helm.v3.Release(
      `${name}/ingress-nginx`,
      {
        name: "ingress-nginx",
        chart: "ingress-nginx",
        version: ingressNginxVersion,
        repositoryOpts: { repo: "https://kubernetes.github.io/ingress-nginx" },
        namespace: namespace.metadata.name,
        createNamespace: false,
        atomic: true,
        cleanupOnFail: true,
        maxHistory: 5,
        values: ingressNginxValues({ ingressClassName: platform.ingressClassName }),
      },
      { parent: this },
    );
    this.registerOutputs({ release: this.release.status.name });
  }
}
