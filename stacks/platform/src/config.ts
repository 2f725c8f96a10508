/**
 * The platform stack's settings, from stack config (namespace `babyhelm`), each with a default. Checked
 * once, up front, with errors that name the key and the fix.
 */
import * as pulumi from "@pulumi/pulumi";
import { parseQuantity, resolvePlatformOptions, type PlatformOptions, type ResolvedPlatformOptions } from "@babyhelm/sdk";

/** Pinned and known to exist; bump deliberately, after the chart's upgrade notes (CRDs are not upgraded by Helm). */
export const KUBE_PROMETHEUS_STACK_VERSION = "81.6.2";
export const INGRESS_NGINX_VERSION = "4.13.3";

export interface PlatformStackConfig {
  /** `babyhelm:platform`: namespaces, ingress class and TLS issuer shared with project stacks. Default: the SDK's defaults. */
  platform: ResolvedPlatformOptions;
  /** `babyhelm:kubePrometheusStackVersion`. Default `KUBE_PROMETHEUS_STACK_VERSION`. */
  kubePrometheusStackVersion: string;
  /** `babyhelm:prometheusRetention`: how long Prometheus keeps samples. Default `"15d"`. */
  prometheusRetention: string;
  /** `babyhelm:prometheusStorageSize`: Prometheus' volume. Default `"50Gi"`. */
  prometheusStorageSize: string;
  /** `babyhelm:prometheusRetentionSize`: Prometheus drops old data beyond it. Default: 80% of the volume, e.g. `"40GB"` for `"50Gi"`. */
  prometheusRetentionSize: string;
  /** `babyhelm:storageClass`: StorageClass of Prometheus' volume. Default: the cluster's default class. */
  storageClass?: string;
  /** `babyhelm:grafanaAdminPassword` (secret). Default: generated once and kept in the stack's state. */
  grafanaAdminPassword?: pulumi.Output<string>;
  /** `babyhelm:ingressNginx`: also install ingress-nginx. Default `false` (bring your own controller). */
  ingressNginx: boolean;
  /** `babyhelm:ingressNginxVersion`. Default `INGRESS_NGINX_VERSION`. */
  ingressNginxVersion: string;
}

const PROMETHEUS_DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;
const CHART_VERSION = /^\d+\.\d+\.\d+$/;
// Prometheus' --storage.tsdb.retention.size units (powers of 1024).
const RETENTION_SIZE = /^\d+(B|KB|MB|GB|TB|PB|EB)$/;

/** 80% of the volume, in Prometheus' GB (GiB), leaving room for the write-ahead log and compaction. */
function defaultRetentionSize(storageSize: string): string {
  const bytes = parseQuantity(storageSize) ?? 0;
  return `${Math.max(1, Math.floor((bytes * 0.8) / 2 ** 30))}GB`;
}

export function readPlatformConfig(config = new pulumi.Config("babyhelm")): PlatformStackConfig {
  const problems: string[] = [];
  const text = (key: string, fallback: string, pattern: RegExp, example: string) => {
    const value = config.get(key) ?? fallback;
    if (!pattern.test(value)) problems.push(`babyhelm:${key}: "${value}" is not valid; use something like "${example}"`);
    return value;
  };
  let platform = resolvePlatformOptions();
  try {
    platform = resolvePlatformOptions(config.getObject<PlatformOptions>("platform"));
  } catch (error) {
    problems.push(...(error as Error).message.split("\n").map((line) => `babyhelm:${line}`));
  }
  const storageSize = config.get("prometheusStorageSize") ?? "50Gi";
  if (!parseQuantity(storageSize) || /m$/.test(storageSize)) {
    problems.push(`babyhelm:prometheusStorageSize: "${storageSize}" is not a size; use something like "50Gi"`);
  }
  const result: PlatformStackConfig = {
    platform,
    kubePrometheusStackVersion: text("kubePrometheusStackVersion", KUBE_PROMETHEUS_STACK_VERSION, CHART_VERSION, KUBE_PROMETHEUS_STACK_VERSION),
    prometheusRetention: text("prometheusRetention", "15d", PROMETHEUS_DURATION, "15d"),
    prometheusStorageSize: storageSize,
    prometheusRetentionSize: text("prometheusRetentionSize", defaultRetentionSize(storageSize), RETENTION_SIZE, "40GB"),
    storageClass: config.get("storageClass") || undefined,
    grafanaAdminPassword: config.getSecret("grafanaAdminPassword"),
    ingressNginx: config.getBoolean("ingressNginx") ?? false,
    ingressNginxVersion: text("ingressNginxVersion", INGRESS_NGINX_VERSION, CHART_VERSION, INGRESS_NGINX_VERSION),
  };
  if (problems.length > 0) throw new Error(`The platform stack's config is invalid:\n  ${problems.join("\n  ")}`);
  return result;
}
