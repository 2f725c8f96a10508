/** Drift: whether the cluster still matches the project's last deployment (GET and POST /api/projects/:name/drift). */
import { api } from "./client.js";
import type { Deployment, Drift } from "./types.js";

const path = (project: string) => `/projects/${encodeURIComponent(project)}/drift`;

export async function fetchDrift(project: string, signal?: AbortSignal): Promise<Drift> {
  return (await api.get<{ drift: Drift }>(path(project), { signal })).data.drift;
}

/** Queues a check (or answers the one already waiting); it runs in the project's queue, followed by reading the drift again. */
export async function requestDriftCheck(project: string): Promise<Deployment> {
  return (await api.post<{ check: Deployment }>(path(project), {}, { params: { wait: "0" } })).data.check;
}
