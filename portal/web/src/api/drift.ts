/** Drift: whether the cluster still matches the project's last deployment (GET and POST /api/projects/:name/drift). */
import { endpoints, type DeploymentSummary, type Drift } from "@babyhelm/sdk/api";
import { abortable, client } from "./client.js";

export async function fetchDrift(project: string, signal?: AbortSignal): Promise<Drift> {
  return (await abortable(signal).call(endpoints.getDrift, { params: { name: project } })).drift;
}

/**
 * Queues a check (or answers the one already waiting); it runs in the project's queue, followed by reading the
 * drift again. Null only when the check is gone already (the project deleted meanwhile).
 */
export async function requestDriftCheck(project: string): Promise<DeploymentSummary | null> {
  return (await client.call(endpoints.checkDrift, { params: { name: project }, query: { wait: "0" }, body: {} })).check;
}
