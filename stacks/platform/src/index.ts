/**
 * The platform program (root Pulumi.yaml): what a cluster needs before projects arrive. For now it
 * publishes the platform settings that project stacks must agree with; the monitoring issue adds
 * kube-prometheus-stack, the dashboards and ingress-nginx here.
 */
import * as pulumi from "@pulumi/pulumi";
import { resolvePlatformOptions, type PlatformOptions } from "@babyhelm/sdk";

const config = new pulumi.Config("babyhelm");
const platform = resolvePlatformOptions(config.getObject<PlatformOptions>("platform"));

export const ingressNamespace = platform.ingressNamespace;
export const monitoringNamespace = platform.monitoringNamespace;
export const ingressClassName = platform.ingressClassName;
export const tlsClusterIssuer = platform.tlsClusterIssuer;
