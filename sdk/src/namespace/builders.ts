/** What a project's namespace is made of, as plain objects: the UserNamespace component and render share these. */
import type { LimitRangeObject, NamespaceObject, NetworkPolicyObject, ResourceQuotaObject } from "../kubernetes.js";
import { DISPLAY_NAME_ANNOTATION, OWNER_ANNOTATION, projectLabels, type Labels } from "../labels.js";
import type { ResolvedPlatformOptions } from "../platform.js";
import { DEFAULT_APP_RESOURCES, type QuotaSpec } from "../spec/schema.js";

/** Pod Security Admission: baseline keeps common images such as nginx running; warn and audit show what restricted would refuse. */
export const POD_SECURITY_LABELS: Labels = {
  "pod-security.kubernetes.io/enforce": "baseline",
  "pod-security.kubernetes.io/enforce-version": "latest",
  "pod-security.kubernetes.io/warn": "restricted",
  "pod-security.kubernetes.io/warn-version": "latest",
  "pod-security.kubernetes.io/audit": "restricted",
  "pod-security.kubernetes.io/audit-version": "latest",
};

/** The names of the namespace's own objects; monitoring reads the quota by name. */
export const RESOURCE_QUOTA_NAME = "babyhelm-quota";
export const LIMIT_RANGE_NAME = "babyhelm-defaults";

/** Kubernetes sets this label on every namespace; network policies select namespaces by it. */
const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

export interface NamespaceBuildArgs {
  name: string;
  quota: QuotaSpec;
  owner?: string;
  displayName?: string;
  /** Extra namespace labels; they may not replace BabyHelm's own. */
  labels?: Labels;
  platform: ResolvedPlatformOptions;
}

export interface NamespaceObjects {
  namespace: NamespaceObject;
  resourceQuota: ResourceQuotaObject;
  limitRange: LimitRangeObject;
  networkPolicies: NetworkPolicyObject[];
}

export function buildNamespace(args: NamespaceBuildArgs): NamespaceObject {
  const annotations: Labels = {};
  if (args.owner) annotations[OWNER_ANNOTATION] = args.owner;
  if (args.displayName) annotations[DISPLAY_NAME_ANNOTATION] = args.displayName;
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name: args.name,
      labels: { ...args.labels, ...projectLabels(args.name), ...POD_SECURITY_LABELS },
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    },
  };
}

export function buildResourceQuota(args: NamespaceBuildArgs): ResourceQuotaObject {
  return {
    apiVersion: "v1",
    kind: "ResourceQuota",
    metadata: { name: RESOURCE_QUOTA_NAME, namespace: args.name, labels: projectLabels(args.name) },
    spec: {
      hard: {
        "requests.cpu": args.quota.cpu,
        "limits.cpu": args.quota.cpu,
        "requests.memory": args.quota.memory,
        "limits.memory": args.quota.memory,
        pods: String(args.quota.pods),
        // Apps are reached through the shared ingress controller; tenants never expose nodes or buy load balancers.
        "services.loadbalancers": "0",
        "services.nodeports": "0",
      },
    },
  };
}

/** Defaults for containers that BabyHelm did not create, so the quota never refuses them for lacking resources. */
export function buildLimitRange(args: NamespaceBuildArgs): LimitRangeObject {
  const defaults = { cpu: DEFAULT_APP_RESOURCES.cpu, memory: DEFAULT_APP_RESOURCES.memory };
  return {
    apiVersion: "v1",
    kind: "LimitRange",
    metadata: { name: LIMIT_RANGE_NAME, namespace: args.name, labels: projectLabels(args.name) },
    spec: { limits: [{ type: "Container", default: defaults, defaultRequest: defaults }] },
  };
}

/**
 * The namespaces of the controllers that serve the project's domains: the public one, and the private one
 * when it lives elsewhere. The namespace admits both whatever its apps' visibility today, so making an app
 * private never waits on a change of the namespace's policies.
 */
function ingressControllers(platform: ResolvedPlatformOptions): NonNullable<NetworkPolicyObject["spec"]>["ingress"] {
  const namespaces = [...new Set([platform.ingressNamespace, platform.privateIngressNamespace])];
  return [{ from: namespaces.map((namespace) => ({ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } } })) }];
}

/**
 * Ingress is denied by default; pods of the project, the ingress controllers and Prometheus may connect.
 * Egress stays open: apps call databases and APIs outside the cluster.
 */
export function buildNetworkPolicies(args: NamespaceBuildArgs): NetworkPolicyObject[] {
  const policy = (name: string, from: NonNullable<NetworkPolicyObject["spec"]>["ingress"]): NetworkPolicyObject => ({
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name, namespace: args.name, labels: projectLabels(args.name) },
    spec: { podSelector: {}, policyTypes: ["Ingress"], ...(from ? { ingress: from } : {}) },
  });
  const fromNamespace = (namespace: string) => [{ from: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } } }] }];
  return [
    policy("default-deny-ingress", undefined),
    policy("allow-same-namespace", [{ from: [{ podSelector: {} }] }]),
    policy("allow-from-ingress-controller", ingressControllers(args.platform)),
    policy("allow-from-monitoring", fromNamespace(args.platform.monitoringNamespace)),
  ];
}

export function buildNamespaceObjects(args: NamespaceBuildArgs): NamespaceObjects {
  return {
    namespace: buildNamespace(args),
    resourceQuota: buildResourceQuota(args),
    limitRange: buildLimitRange(args),
    networkPolicies: buildNetworkPolicies(args),
  };
}

/** In the order they are applied: the Namespace first. */
export function namespaceObjectList(objects: NamespaceObjects) {
  return [objects.namespace, objects.resourceQuota, objects.limitRange, ...objects.networkPolicies];
}
