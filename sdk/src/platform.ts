import { namespaceNameProblem, nameProblem, subdomainProblem } from "./spec/names.js";

/** How the cluster around a project is set up; the platform stack decides these. */
export interface PlatformOptions {
  /** Namespace of the ingress controller, allowed to reach apps. Default `"ingress-nginx"`. */
  ingressNamespace?: string;
  /** Namespace of Prometheus and Grafana, allowed to scrape apps and holding dashboards. Default `"monitoring"`. */
  monitoringNamespace?: string;
  /** IngressClass of app domains. Default `"nginx"`. */
  ingressClassName?: string;
  /** cert-manager ClusterIssuer that issues TLS certificates for app domains; `""` serves domains without TLS. Default `"letsencrypt"`. */
  tlsClusterIssuer?: string;
}

export type ResolvedPlatformOptions = Required<PlatformOptions>;

export const DEFAULT_PLATFORM_OPTIONS: ResolvedPlatformOptions = {
  ingressNamespace: "ingress-nginx",
  monitoringNamespace: "monitoring",
  ingressClassName: "nginx",
  tlsClusterIssuer: "letsencrypt",
};

/** Fills defaults and checks every option, naming the one that is wrong. */
export function resolvePlatformOptions(options: PlatformOptions = {}): ResolvedPlatformOptions {
  const resolved = { ...DEFAULT_PLATFORM_OPTIONS, ...stripUndefined(options) };
  const problems: string[] = [];
  for (const key of ["ingressNamespace", "monitoringNamespace"] as const) {
    const problem = nameProblem(resolved[key]);
    if (problem) problems.push(`platform.${key}: ${problem}`);
  }
  const classProblem = subdomainProblem(resolved.ingressClassName);
  if (classProblem) problems.push(`platform.ingressClassName: ${classProblem}`);
  const issuerProblem = resolved.tlsClusterIssuer === "" ? undefined : subdomainProblem(resolved.tlsClusterIssuer);
  if (issuerProblem) problems.push(`platform.tlsClusterIssuer: ${issuerProblem}`);
  if (problems.length > 0) throw new Error(problems.join("\n"));
  return resolved;
}

/** Why a project may not use `name` as its namespace on this platform, or undefined when it may. */
export function projectNamespaceProblem(name: string, platform: ResolvedPlatformOptions): string | undefined {
  return namespaceNameProblem(name) ?? namespaceNameProblem(name, [platform.ingressNamespace, platform.monitoringNamespace]);
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
