/** Live status of a project, from the cluster (GET /api/projects/:name/status). */
import { endpoints, type ProjectStatus } from "@babyhelm/sdk/api";
import { abortable } from "./client.js";

export async function fetchProjectStatus(project: string, signal?: AbortSignal): Promise<ProjectStatus> {
  return abortable(signal).call(endpoints.getProjectStatus, { params: { name: project } });
}
