/** What a project's stored spec is and would create: reads that change nothing (the project itself is in the projects store). */
import { endpoints } from "@babyhelm/sdk/api";
import { client } from "./client.js";

/** The Kubernetes manifests a deploy would create, as YAML, secret values masked. */
export async function fetchManifests(project: string): Promise<string> {
  return client.call(endpoints.getProjectManifests, { params: { name: project } });
}

/** The project's ProjectSpec now, secret values masked. */
export async function fetchSpec(project: string): Promise<Record<string, unknown>> {
  return client.call(endpoints.getProjectSpec, { params: { name: project } });
}
