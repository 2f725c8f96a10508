/**
 * One pod's container log from the API server as a stream. Not client-node's `Log`: it drops the API
 * server's reason on a refusal (e.g. "previous terminated container not found"), and a request it aborts
 * emits an error on a stream nobody listens to, which would end the portal.
 */
import { request as httpRequest, type IncomingMessage, type RequestOptions } from "node:http";
import { request as httpsRequest } from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";

export interface PodLogOptions {
  container: string;
  follow: boolean;
  previous: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  limitBytes?: number;
}

/** The API server refused the log request; `message` is its own. */
export class PodLogRefused extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

async function reasonOf(response: IncomingMessage): Promise<string> {
  let body = "";
  for await (const chunk of response) {
    body += String(chunk);
    if (body.length > 4096) break;
  }
  try {
    return (JSON.parse(body) as { message?: string }).message ?? body;
  } catch {
    return body.trim() || `the API server answered ${response.statusCode}`;
  }
}

/** Resolves with the body (each line prefixed by its RFC 3339 time) once the API server answers 200; `signal` ends it. */
export async function openPodLog(kube: KubeConfig, namespace: string, pod: string, options: PodLogOptions, signal: AbortSignal): Promise<IncomingMessage> {
  const cluster = kube.getCurrentCluster();
  if (!cluster) throw new PodLogRefused(503, "the kubeconfig has no current cluster");
  const url = new URL(`${cluster.server.replace(/\/+$/, "")}/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log`);
  url.searchParams.set("container", options.container);
  url.searchParams.set("timestamps", "true");
  if (options.follow) url.searchParams.set("follow", "true");
  if (options.previous) url.searchParams.set("previous", "true");
  if (options.tailLines !== undefined) url.searchParams.set("tailLines", String(options.tailLines));
  if (options.sinceSeconds !== undefined) url.searchParams.set("sinceSeconds", String(options.sinceSeconds));
  if (options.limitBytes !== undefined) url.searchParams.set("limitBytes", String(options.limitBytes));
  const requestOptions: RequestOptions & { headers: Record<string, string> } = { headers: {} };
  await kube.applyToHTTPSOptions(requestOptions);
  const secure = url.protocol === "https:";
  if (!secure) delete requestOptions.agent;
  return new Promise((resolve, reject) => {
    const request = (secure ? httpsRequest : httpRequest)(url, { ...requestOptions, method: "GET", signal }, (response) => {
      if (response.statusCode === 200) return resolve(response);
      reasonOf(response).then((reason) => reject(new PodLogRefused(response.statusCode ?? 502, reason)), reject);
    });
    request.on("error", reject);
    request.end();
  });
}
