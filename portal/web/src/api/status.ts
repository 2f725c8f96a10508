/** Live status of a project, from the cluster (GET /api/projects/:name/status). */
import { api } from "./client.js";
import type { ProjectStatus } from "./types.js";

export async function fetchProjectStatus(project: string, signal?: AbortSignal): Promise<ProjectStatus> {
  return (await api.get<ProjectStatus>(`/projects/${encodeURIComponent(project)}/status`, { signal })).data;
}
