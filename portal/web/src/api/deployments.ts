/**
 * What deployments kept of what they deployed, and previews of what the next one would do: stateless calls
 * (the project's history itself is in the projects store, which also queues deploys and rollbacks).
 */
import { api } from "./client.js";
import type { Deployment, DeploymentDiff, DeploymentSpec } from "./types.js";

const path = (project: string, rest: string) => `/projects/${encodeURIComponent(project)}${rest}`;

/** Below the client's 30 s timeout: a longer preview is followed by reading the deployment again. */
export const PREVIEW_WAIT_SECONDS = 20;

/**
 * Queues a preview of the stored spec (it runs in the project's queue, after its deploys) and waits up to
 * `waitSeconds` for it: `done` false means it is still queued or running, read it again by its id.
 */
export async function requestPreview(project: string, waitSeconds = PREVIEW_WAIT_SECONDS, signal?: AbortSignal): Promise<{ preview: Deployment; done: boolean }> {
  const response = await api.post<{ preview: Deployment }>(path(project, "/previews"), {}, { params: { wait: String(waitSeconds) }, signal });
  return { preview: response.data.preview, done: response.status === 200 };
}

export async function fetchDeployment(project: string, id: string, signal?: AbortSignal): Promise<Deployment> {
  return (await api.get<{ deployment: Deployment }>(path(project, `/deployments/${encodeURIComponent(id)}`), { signal })).data.deployment;
}

export async function fetchDeploymentSpec(project: string, id: string): Promise<DeploymentSpec> {
  return (await api.get<DeploymentSpec>(path(project, `/deployments/${encodeURIComponent(id)}/spec`))).data;
}

/** From `from` (default: the up recorded before `id`) to `id`. */
export async function fetchDeploymentDiff(project: string, id: string, from?: string): Promise<DeploymentDiff> {
  return (await api.get<DeploymentDiff>(path(project, `/deployments/${encodeURIComponent(id)}/diff`), { params: from ? { from } : undefined })).data;
}
