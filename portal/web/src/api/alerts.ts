/**
 * A project's health alerts (every member) and the webhook they are POSTed to (owners only: the API answers
 * 403 to anyone else, so the page asks only for an owner).
 */
import { api } from "./client.js";
import type { HealthAlert, ProjectWebhook } from "./types.js";

const path = (project: string, rest: string) => `/projects/${encodeURIComponent(project)}${rest}`;

export async function fetchAlerts(project: string, signal?: AbortSignal): Promise<HealthAlert[]> {
  return (await api.get<{ items: HealthAlert[] }>(path(project, "/alerts"), { signal })).data.items;
}

export async function fetchWebhook(project: string): Promise<ProjectWebhook | null> {
  return (await api.get<{ webhook: ProjectWebhook | null }>(path(project, "/webhook"))).data.webhook;
}

/** Sets (or replaces) the URL; the answer carries a new signing secret, the only time it is ever shown. */
export async function saveWebhook(project: string, url: string): Promise<Required<ProjectWebhook>> {
  return (await api.put<{ webhook: Required<ProjectWebhook> }>(path(project, "/webhook"), { url })).data.webhook;
}

export async function removeWebhook(project: string): Promise<void> {
  await api.delete(path(project, "/webhook"));
}
