/**
 * The test run's local cluster (started by global-setup.ts) and the toolchain's Pulumi CLI, for tests that
 * deploy for real. `realPlatform` is undefined, and the reason printed once, where they are missing;
 * under CI=true global setup has already failed instead.
 */
import { CoreV1Api, KubeConfig, KubernetesObjectApi, type KubernetesObject } from "@kubernetes/client-node";
import { inject } from "vitest";
import { findBinary, pulumiHome } from "../../../../toolchain/tools.mjs";

export interface RealPlatform {
  kubeconfig: string;
  kube: KubeConfig;
  /** The toolchain's Pulumi CLI, and the PULUMI_HOME its Kubernetes provider is installed in. */
  pulumi: string;
  pulumiHome: string;
}

function find(): RealPlatform | undefined {
  const kubeconfig = inject("kubeconfig");
  const pulumi = findBinary("pulumi");
  if (!kubeconfig || !pulumi) {
    console.warn(`skipping tests that deploy for real: ${inject("clusterProblem") || "the Pulumi CLI is not built (npm run toolchain)"}`);
    return undefined;
  }
  const kube = new KubeConfig();
  kube.loadFromFile(kubeconfig);
  return { kubeconfig, kube, pulumi, pulumiHome: pulumiHome() };
}

export const realPlatform = find();

/** Reads one object live from the API server; undefined when it does not exist. */
export async function readObject<T extends KubernetesObject>(kube: KubeConfig, object: KubernetesObject): Promise<T | undefined> {
  try {
    return (await KubernetesObjectApi.makeApiClient(kube).read(object as never)) as T;
  } catch (error) {
    if ((error as { code?: number }).code === 404) return undefined;
    throw error;
  }
}

export async function namespaceExists(kube: KubeConfig, name: string): Promise<boolean> {
  try {
    await kube.makeApiClient(CoreV1Api).readNamespace({ name });
    return true;
  } catch (error) {
    if ((error as { code?: number }).code === 404) return false;
    throw error;
  }
}
