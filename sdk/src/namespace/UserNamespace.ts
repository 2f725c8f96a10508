import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { inNamespace } from "../kubernetes.js";
import { createKubernetesResource } from "../pulumi/kubernetes-resource.js";
import { POD_SECURITY_LABELS, buildNamespaceObjects } from "./builders.js";
import { projectLabels, type Labels } from "../labels.js";
import { projectNamespaceProblem, resolvePlatformOptions, type PlatformOptions } from "../platform.js";
import { formatIssues, ProjectSpecError, type SpecIssue } from "../spec/errors.js";
import { PARSE_OPTIONS } from "../spec/messages.js";
import { labelKeyProblem, labelValueProblem } from "../spec/names.js";
import { quotaSchema, type QuotaSpec } from "../spec/schema.js";
import { z } from "zod";

export interface UserNamespaceArgs {
  /** The namespace's name: a DNS-1123 label of at most 40 characters, also the project's name. */
  name: string;
  /** The namespace's ResourceQuota. Default `{ cpu: "2", memory: "4Gi", pods: 20 }`; missing fields take their default. */
  quota?: z.input<typeof quotaSchema>;
  /** E-mail of the person responsible, kept in the `babyhelm.io/owner` annotation. Default: none. */
  owner?: string;
  /** A human name for the project, kept in the `babyhelm.io/display-name` annotation. Default: none. */
  displayName?: string;
  /** Extra labels for the Namespace; BabyHelm's own labels cannot be replaced. Default: none. */
  labels?: Labels;
  /** How the cluster is set up: which namespaces may reach the project's pods. Default: `DEFAULT_PLATFORM_OPTIONS`. */
  platform?: PlatformOptions;
}

/**
 * A hardened namespace for one project: Pod Security labels, a ResourceQuota, a LimitRange and
 * NetworkPolicies that deny ingress except from the namespace itself, the ingress controller and monitoring.
 */
export class UserNamespace extends pulumi.ComponentResource {
  /** The namespace's name, as an output: pass it to `App` so apps wait for the namespace. */
  public readonly name: pulumi.Output<string>;
  public readonly quota: QuotaSpec;

  constructor(name: string, args: UserNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
    const platform = resolvePlatformOptions(args.platform);
    const quota = checkUserNamespaceArgs(name, args, platform);
    super("babyhelm:index:UserNamespace", name, {}, opts);

    const objects = buildNamespaceObjects({ ...args, quota, platform });
    const namespace = new k8s.core.v1.Namespace(name, objects.namespace, { parent: this });
    this.name = namespace.metadata.name;
    this.quota = quota;

    const inThisNamespace = { parent: this };
    createKubernetesResource(`${name}/quota`, inNamespace(objects.resourceQuota, this.name), inThisNamespace);
    createKubernetesResource(`${name}/limits`, inNamespace(objects.limitRange, this.name), inThisNamespace);
    for (const policy of objects.networkPolicies) {
      createKubernetesResource(`${name}/${policy.metadata.name}`, inNamespace(policy, this.name), inThisNamespace);
    }
    this.registerOutputs({ name: this.name, quota });
  }
}

function checkUserNamespaceArgs(component: string, args: UserNamespaceArgs, platform: ReturnType<typeof resolvePlatformOptions>): QuotaSpec {
  const issues: SpecIssue[] = [];
  const nameProblem = typeof args.name === "string" ? projectNamespaceProblem(args.name, platform) : "is required";
  if (nameProblem) issues.push({ path: "name", message: nameProblem });
  const quota = quotaSchema.safeParse(args.quota ?? {}, PARSE_OPTIONS);
  if (!quota.success) issues.push(...formatIssues(quota.error.issues, ["quota"]));
  if (args.owner !== undefined && !z.email().safeParse(args.owner).success) {
    issues.push({ path: "owner", message: "must be an e-mail address" });
  }
  const ours = new Set([...Object.keys(projectLabels("x")), ...Object.keys(POD_SECURITY_LABELS)]);
  for (const [key, value] of Object.entries(args.labels ?? {})) {
    const path = `labels[${JSON.stringify(key)}]`;
    const problem = ours.has(key) ? "is set by BabyHelm and cannot be replaced" : (labelKeyProblem(key) ?? labelValueProblem(String(value)));
    if (problem) issues.push({ path, message: problem });
  }
  if (issues.length > 0 || !quota.success) throw new ProjectSpecError(issues, `UserNamespace "${component}"`);
  return quota.data;
}
