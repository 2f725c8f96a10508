/** The Kubernetes object types BabyHelm creates, from the official OpenAPI schema (kubernetes-models). */
import type { IHorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { ILimitRange } from "kubernetes-models/v1/LimitRange";
import type { INamespace } from "kubernetes-models/v1/Namespace";
import type { IResourceQuota } from "kubernetes-models/v1/ResourceQuota";
import type { ISecret } from "kubernetes-models/v1/Secret";
import type { IService } from "kubernetes-models/v1/Service";
import type { IIngress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import type { IPodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";

export type { IConfigMap, IDeployment, IHorizontalPodAutoscaler, IIngress, ILimitRange, INamespace, INetworkPolicy, IPodDisruptionBudget, IResourceQuota, ISecret, IService };

/** Every object has a name; the builders always set it. */
type Named<T extends { metadata?: unknown }> = T & { metadata: NonNullable<T["metadata"]> & { name: string } };

export type NamespaceObject = Named<INamespace>;
export type ResourceQuotaObject = Named<IResourceQuota>;
export type LimitRangeObject = Named<ILimitRange>;
export type NetworkPolicyObject = Named<INetworkPolicy>;
export type SecretObject = Named<ISecret>;
export type DeploymentObject = Named<IDeployment>;
export type ServiceObject = Named<IService>;
export type IngressObject = Named<IIngress>;
export type HorizontalPodAutoscalerObject = Named<IHorizontalPodAutoscaler>;
export type PodDisruptionBudgetObject = Named<IPodDisruptionBudget>;
export type ConfigMapObject = Named<IConfigMap>;

export type KubernetesObject =
  | NamespaceObject
  | ResourceQuotaObject
  | LimitRangeObject
  | NetworkPolicyObject
  | SecretObject
  | DeploymentObject
  | ServiceObject
  | IngressObject
  | HorizontalPodAutoscalerObject
  | PodDisruptionBudgetObject
  | ConfigMapObject;

/** A namespaced object whose namespace may be a plain name or a Pulumi output. */
export type PlacedObject<T extends KubernetesObject, N> = Omit<T, "metadata"> & {
  metadata: Omit<T["metadata"], "namespace"> & { namespace: N };
};

/** Places a namespaced object in `namespace`, which may be a plain name or a Pulumi output. */
export function inNamespace<T extends KubernetesObject, N>(object: T, namespace: N): PlacedObject<T, N> {
  const { name, namespace: _replaced, ...rest } = object.metadata;
  return { ...object, metadata: { name, namespace, ...rest } } as unknown as PlacedObject<T, N>;
}
