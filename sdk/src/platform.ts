import { namespaceNameProblem, nameProblem, subdomainProblem } from "./spec/names.js";

/** How the cluster around a project is set up; the platform stack decides these. */
export interface PlatformOptions {
  /** Namespace of the ingress controller, allowed to reach apps. Default `"ingress-nginx"`. */
  ingressNamespace?: string;
  /** Namespace of Prometheus and Grafana, allowed to scrape apps and holding dashboards. Default `"monitoring"`. */
  monitoringNamespace?: string;
  /** IngressClass of the domains of public apps. Default `"nginx"`. */
  ingressClassName?: string;
  /**
   * IngressClass of the domains of private apps (`visibility: private`): a controller reachable only
   * through the platform's private network, such as one behind a VPN or an internal load balancer.
   * Default `"nginx-internal"`.
   */
  privateIngressClassName?: string;
  /**
   * Namespace of the controller that serves `privateIngressClassName`, also allowed to reach apps.
   * Default: `ingressNamespace` (one namespace running both controllers).
   */
  privateIngressNamespace?: string;
  /** cert-manager ClusterIssuer that issues TLS certificates for app domains; `""` serves domains without TLS. Default `"letsencrypt"`. */
  tlsClusterIssuer?: string;
}

export type ResolvedPlatformOptions = Required<PlatformOptions>;

export const DEFAULT_PLATFORM_OPTIONS: ResolvedPlatformOptions = {
  ingressNamespace: "ingress-nginx",
  monitoringNamespace: "monitoring",
  ingressClassName: "nginx",
  privateIngressClassName: "nginx-internal",
  privateIngressNamespace: "ingress-nginx",
  tlsClusterIssuer: "letsencrypt",
};

/** Fills defaults and checks every option, naming the one that is wrong. */
export function resolvePlatformOptions(options: PlatformOptions = {}): ResolvedPlatformOptions {
  const given = stripUndefined(options);
  // A platform that moves its controller moves the private one with it unless told otherwise.
  const privateIngressNamespace = given.privateIngressNamespace ?? given.ingressNamespace ?? DEFAULT_PLATFORM_OPTIONS.privateIngressNamespace;
  const resolved = { ...DEFAULT_PLATFORM_OPTIONS, ...given, privateIngressNamespace };
  const problems: string[] = [];
  for (const key of ["ingressNamespace", "privateIngressNamespace", "monitoringNamespace"] as const) {
    const problem = nameProblem(resolved[key]);
    if (problem) problems.push(`platform.${key}: ${problem}`);
  }
  for (const key of ["ingressClassName", "privateIngressClassName"] as const) {
    const problem = subdomainProblem(resolved[key]);
    if (problem) problems.push(`platform.${key}: ${problem}`);
  }
  // Otherwise "private" would be served by the public controller, and nothing would say so.
  if (!problems.length && resolved.privateIngressClassName === resolved.ingressClassName) {
    problems.push(
      `platform.privateIngressClassName: "${resolved.privateIngressClassName}" is also the public ingressClassName; private apps need a class of their own, served only on the private network`,
    );
  }
  const issuerProblem = resolved.tlsClusterIssuer === "" ? undefined : subdomainProblem(resolved.tlsClusterIssuer);
  if (issuerProblem) problems.push(`platform.tlsClusterIssuer: ${issuerProblem}`);
  if (problems.length > 0) throw new Error(problems.join("\n"));
  return resolved;
}

/** Why a project may not use `name` as its namespace on this platform, or undefined when it may. */
export function projectNamespaceProblem(name: string, platform: ResolvedPlatformOptions): string | undefined {
  return namespaceNameProblem(name) ?? namespaceNameProblem(name, [platform.ingressNamespace, platform.privateIngressNamespace, platform.monitoringNamespace]);
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
