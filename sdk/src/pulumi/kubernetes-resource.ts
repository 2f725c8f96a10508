/** The one place where plain objects from the builders become Pulumi Kubernetes resources. */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { KubernetesObject, PlacedObject } from "../kubernetes.js";

type ResourceConstructor = new (name: string, args: never, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

const CONSTRUCTORS: Record<string, ResourceConstructor> = {
  "v1/Namespace": k8s.core.v1.Namespace,
  "v1/ResourceQuota": k8s.core.v1.ResourceQuota,
  "v1/LimitRange": k8s.core.v1.LimitRange,
  "v1/Secret": k8s.core.v1.Secret,
  "v1/Service": k8s.core.v1.Service,
  "v1/ConfigMap": k8s.core.v1.ConfigMap,
  "apps/v1/Deployment": k8s.apps.v1.Deployment,
  "networking.k8s.io/v1/NetworkPolicy": k8s.networking.v1.NetworkPolicy,
  "networking.k8s.io/v1/Ingress": k8s.networking.v1.Ingress,
  "autoscaling/v2/HorizontalPodAutoscaler": k8s.autoscaling.v2.HorizontalPodAutoscaler,
  "policy/v1/PodDisruptionBudget": k8s.policy.v1.PodDisruptionBudget,
};

/**
 * Creates the Pulumi resource for `object`. Secret values are marked secret so Pulumi encrypts them in
 * state and masks them in previews and logs.
 */
export function createKubernetesResource(
  name: string,
  object: KubernetesObject | PlacedObject<KubernetesObject, pulumi.Input<string>>,
  opts: pulumi.CustomResourceOptions,
): pulumi.CustomResource {
  const Resource = CONSTRUCTORS[`${object.apiVersion}/${object.kind}`];
  if (!Resource) throw new Error(`BabyHelm cannot create ${object.apiVersion} ${object.kind} objects`);
  let args: object = object;
  if (object.kind === "Secret") {
    const secret = object as { stringData?: object; data?: object };
    args = {
      ...object,
      ...(secret.stringData ? { stringData: pulumi.secret(secret.stringData) } : {}),
      ...(secret.data ? { data: pulumi.secret(secret.data) } : {}),
    };
  }
  return new Resource(name, args as never, opts);
}
