/**
 * Checks objects against the official Kubernetes OpenAPI schema through kubernetes-models, plus the name
 * rules the API server enforces and the schema does not (kubernetes-models accepts "UPPER_case" names
 * and IP addresses as Ingress hosts). Field-name typos are caught at compile time: the builders return
 * typed object literals.
 */
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { LimitRange } from "kubernetes-models/v1/LimitRange";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { ResourceQuota } from "kubernetes-models/v1/ResourceQuota";
import { Secret } from "kubernetes-models/v1/Secret";
import { Service } from "kubernetes-models/v1/Service";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import type { KubernetesObject } from "../kubernetes.js";
import { labelKeyProblem, labelValueProblem } from "../spec/names.js";

const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const IANA_SERVICE_NAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

const isLabel = (value: string, pattern = DNS_1123_LABEL) => value.length <= 63 && pattern.test(value);
const isSubdomain = (value: string) => value.length <= 253 && DNS_1123_SUBDOMAIN.test(value);

/** What the API server's validation would refuse in names, labels, hosts and keys. */
export function apiServerProblems(object: KubernetesObject): string[] {
  const problems: string[] = [];
  const { name, namespace, labels = {}, annotations = {} } = object.metadata;
  const nameValid = object.kind === "Namespace" ? isLabel(name) : object.kind === "Service" ? isLabel(name, DNS_1035_LABEL) : isSubdomain(name);
  if (!nameValid) problems.push(`metadata.name ${JSON.stringify(name)}`);
  if (namespace !== undefined && !isLabel(namespace)) problems.push(`metadata.namespace ${JSON.stringify(namespace)}`);
  for (const [key, value] of Object.entries(labels)) {
    const problem = labelKeyProblem(key) ?? labelValueProblem(value);
    if (problem) problems.push(`label ${problem}`);
  }
  for (const key of Object.keys(annotations)) {
    const problem = labelKeyProblem(key);
    if (problem) problems.push(`annotation ${problem}`);
  }
  if (object.kind === "Ingress") {
    for (const rule of object.spec?.rules ?? []) {
      if (rule.host !== undefined && (IPV4.test(rule.host) || !isSubdomain(rule.host.replace(/^\*\./, "")))) problems.push(`Ingress host ${rule.host}`);
    }
  }
  if (object.kind === "Deployment") {
    for (const container of object.spec?.template.spec?.containers ?? []) {
      if (!isLabel(container.name)) problems.push(`container name ${container.name}`);
      for (const port of container.ports ?? []) {
        if (port.name !== undefined && (port.name.length > 15 || !IANA_SERVICE_NAME.test(port.name))) problems.push(`port name ${port.name}`);
      }
    }
  }
  if (object.kind === "Secret" || object.kind === "ConfigMap") {
    for (const key of Object.keys({ ...object.data, ...("stringData" in object ? object.stringData : {}) })) {
      if (!CONFIG_KEY.test(key) || key.length > 253) problems.push(`data key ${key}`);
    }
  }
  return problems;
}

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  "v1/Namespace": Namespace,
  "v1/ResourceQuota": ResourceQuota,
  "v1/LimitRange": LimitRange,
  "v1/Secret": Secret,
  "v1/Service": Service,
  "v1/ConfigMap": ConfigMap,
  "apps/v1/Deployment": Deployment,
  "networking.k8s.io/v1/NetworkPolicy": NetworkPolicy,
  "networking.k8s.io/v1/Ingress": Ingress,
  "autoscaling/v2/HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
};

/** Throws with the object's kind and name and every schema violation. */
export function validateKubernetesObject(object: KubernetesObject): void {
  const key = `${object.apiVersion}/${object.kind}`;
  const Model = MODELS[key];
  if (!Model) throw new Error(`no schema model for ${key}`);
  try {
    new Model(structuredClone(object) as never).validate();
  } catch (error) {
    throw new Error(`${key} ${object.metadata.name}: ${(error as Error).message}`, { cause: error });
  }
  const problems = apiServerProblems(object);
  if (problems.length > 0) throw new Error(`${key} ${object.metadata.name}: the API server would refuse ${problems.join(", ")}`);
}
