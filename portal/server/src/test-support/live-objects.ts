/**
 * Compares what the API server holds with what `renderProject` says a project is: the same objects
 * (kind, namespace, name; found by the labels BabyHelm puts on everything it creates), and every field
 * BabyHelm sets, with the values it set. Secret values are compared decoded. Objects are read as the API
 * server's own JSON: client-node's typed models rename fields (LimitRange `default` becomes `_default`).
 */
import { request } from "node:https";
import type { KubeConfig, KubernetesObject } from "@kubernetes/client-node";
import { DEFAULT_PLATFORM_OPTIONS, renderProject, type ProjectSpecInput } from "@babyhelm/sdk";
import { expect } from "vitest";

/** Every kind a project may hold, with its resource name in the API. */
const KINDS: { apiVersion: string; kind: string; plural: string }[] = [
  { apiVersion: "v1", kind: "ResourceQuota", plural: "resourcequotas" },
  { apiVersion: "v1", kind: "LimitRange", plural: "limitranges" },
  { apiVersion: "v1", kind: "Secret", plural: "secrets" },
  { apiVersion: "v1", kind: "ConfigMap", plural: "configmaps" },
  { apiVersion: "v1", kind: "Service", plural: "services" },
  { apiVersion: "apps/v1", kind: "Deployment", plural: "deployments" },
  { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", plural: "networkpolicies" },
  { apiVersion: "networking.k8s.io/v1", kind: "Ingress", plural: "ingresses" },
  { apiVersion: "policy/v1", kind: "PodDisruptionBudget", plural: "poddisruptionbudgets" },
  { apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", plural: "horizontalpodautoscalers" },
];

/** GET of an API path as JSON; undefined for a 404. */
export async function getJson<T>(kube: KubeConfig, path: string): Promise<T | undefined> {
  const options: Parameters<typeof request>[1] = {};
  await kube.applyToHTTPSOptions(options);
  const url = `${kube.getCurrentCluster()!.server}${path}`;
  return await new Promise<T | undefined>((resolve, reject) => {
    const req = request(url, { ...options, method: "GET", headers: { ...options.headers, accept: "application/json" } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => {
        if (res.statusCode === 404) return resolve(undefined);
        if (res.statusCode !== 200) return reject(new Error(`GET ${path}: ${res.statusCode} ${body}`));
        resolve(JSON.parse(body) as T);
      });
    });
    req.on("error", reject);
    req.end();
  });
}

const apiPrefix = (apiVersion: string) => (apiVersion === "v1" ? "/api/v1" : `/apis/${apiVersion}`);

/** The objects of both libraries: the SDK's renders and the API server's JSON. */
type AnyObject = { kind?: string; metadata?: { name?: string; namespace?: string } };
const key = (object: AnyObject) => `${object.kind} ${object.metadata?.namespace ?? "-"}/${object.metadata?.name}`;

/** The project's objects in the cluster: its namespace, what is in it, and its dashboard in the monitoring namespace. */
export async function liveProjectObjects(kube: KubeConfig, project: string): Promise<KubernetesObject[]> {
  const selector = encodeURIComponent(`babyhelm.io/project=${project}`);
  const found: KubernetesObject[] = [];
  const namespace = await getJson<KubernetesObject>(kube, `/api/v1/namespaces/${project}`);
  if (namespace) found.push(namespace);
  for (const { apiVersion, kind, plural } of KINDS) {
    for (const where of [project, DEFAULT_PLATFORM_OPTIONS.monitoringNamespace]) {
      const list = await getJson<{ items: KubernetesObject[] }>(kube, `${apiPrefix(apiVersion)}/namespaces/${where}/${plural}?labelSelector=${selector}`);
      found.push(...(list?.items ?? []).map((item) => ({ ...item, apiVersion, kind })));
    }
  }
  return found;
}

/**
 * Asserts that the cluster holds exactly the rendered objects, field by field; `secretChecksumKey` is the
 * key the deploy keyed the secret checksum with (the portal's: `projectSecretChecksumKey`).
 */
export async function expectClusterToMatchRender(kube: KubeConfig, spec: ProjectSpecInput, options: { secretChecksumKey?: string } = {}): Promise<void> {
  const rendered = await renderProject(spec, { secretChecksumKey: options.secretChecksumKey });
  const live = await liveProjectObjects(kube, rendered[0]!.metadata!.name!);
  expect(live.map(key).sort()).toEqual(rendered.map(key).sort());
  for (const object of rendered as unknown as (AnyObject & Record<string, unknown>)[]) {
    const actual = live.find((candidate) => key(candidate) === key(object))! as KubernetesObject & Record<string, unknown>;
    if (object.kind === "Secret") {
      const { stringData, ...rest } = object as AnyObject & { stringData?: Record<string, string> };
      expect(actual, key(object)).toMatchObject(rest);
      const decoded = Object.fromEntries(Object.entries((actual.data as Record<string, string>) ?? {}).map(([name, value]) => [name, Buffer.from(value, "base64").toString()]));
      expect(decoded, `${key(object)} data`).toEqual(stringData ?? {});
    } else {
      expect(actual, key(object)).toMatchObject(object);
    }
  }
}
