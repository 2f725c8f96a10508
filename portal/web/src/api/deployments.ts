/**
 * What deployments kept of what they deployed, previews of what the next one would do, and cancelling one:
 * stateless calls (the project's history itself is in the projects store, which also queues deploys and
 * rollbacks).
 */
import { endpoints, type Deployment, type DeploymentDiff, type DeploymentSpec, type DeploymentSummary } from "@babyhelm/sdk/api";
import { abortable, client } from "./client.js";
import { ApiError } from "./errors.js";

/** Below the client's 30 s timeout: a longer preview is followed by reading the deployment again. */
export const PREVIEW_WAIT_SECONDS = 20;

/**
 * Queues a preview of the stored spec (it runs in the project's queue, after its deploys) and waits up to
 * `waitSeconds` for it: a preview still queued or running is read again by its id.
 */
export async function requestPreview(project: string, waitSeconds = PREVIEW_WAIT_SECONDS, signal?: AbortSignal): Promise<DeploymentSummary> {
  const { preview } = await abortable(signal).call(endpoints.createPreview, { params: { name: project }, query: { wait: String(waitSeconds) }, body: {} });
  // Only when the project went away meanwhile.
  if (!preview) throw new ApiError(404, "not_found", "The preview is no longer there.");
  return preview;
}

export async function fetchDeployment(project: string, id: string, signal?: AbortSignal): Promise<Deployment> {
  return (await abortable(signal).call(endpoints.getDeployment, { params: { name: project, id } })).deployment;
}

export async function fetchDeploymentSpec(project: string, id: string): Promise<DeploymentSpec> {
  return client.call(endpoints.getDeploymentSpec, { params: { name: project, id } });
}

/** From `from` (default: the up recorded before `id`) to `id`. */
export async function fetchDeploymentDiff(project: string, id: string, from?: string): Promise<DeploymentDiff> {
  return client.call(endpoints.getDeploymentDiff, { params: { name: project, id }, query: { from } });
}

/** Cancels a queued or running run; its events and the history show the outcome. */
export async function cancelDeployment(project: string, id: string): Promise<void> {
  await client.call(endpoints.cancelDeployment, { params: { name: project, id }, body: {} });
}
