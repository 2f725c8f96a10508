/**
 * The platform program (root Pulumi.yaml): what a cluster needs before projects arrive. Monitoring
 * (kube-prometheus-stack with BabyHelm's dashboards), optionally ingress-nginx, and the platform settings
 * that project stacks must agree with, as outputs.
 */
import { readPlatformConfig } from "./config.js";
import { IngressController } from "./IngressController.js";
import { Monitoring } from "./Monitoring.js";

const config = readPlatformConfig();
const monitoring = new Monitoring("monitoring", { config });
// The controller's ServiceMonitor needs the Prometheus Operator's CRDs, which kube-prometheus-stack installs.
const ingress = config.ingressNginx ? new IngressController("ingress", { config }, { dependsOn: [monitoring.release] }) : undefined;

export const ingressNamespace = config.platform.ingressNamespace;
export const monitoringNamespace = config.platform.monitoringNamespace;
export const ingressClassName = config.platform.ingressClassName;
// The private controller (a VPN's or an internal load balancer's) is brought by the operator, not installed here.
export const privateIngressClassName = config.platform.privateIngressClassName;
export const privateIngressNamespace = config.platform.privateIngressNamespace;
export const tlsClusterIssuer = config.platform.tlsClusterIssuer;
export const grafanaAdminPassword = monitoring.grafanaAdminPassword;
export const ingressController = ingress ? "ingress-nginx" : "none (bring your own)";
