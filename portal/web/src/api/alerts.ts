/**
 * A project's health alerts (every member) and the webhook they are POSTed to (owners only: the API answers
 * 403 to anyone else, so the page asks only for an owner).
 */
import { endpoints, type HealthAlert, type ProjectWebhook } from "@babyhelm/sdk/api";
import { abortable, client } from "./client.js";

export async function fetchAlerts(project: string, signal?: AbortSignal): Promise<HealthAlert[]> {
  return (await abortable(signal).call(endpoints.listAlerts, { params: { name: project } })).items;
}

export async function fetchWebhook(project: string): Promise<ProjectWebhook | null> {
  return (await client.call(endpoints.getWebhook, { params: { name: project } })).webhook;
}

/** Sets (or replaces) the URL; the answer carries a new signing secret, the only time it is ever shown. */
export async function saveWebhook(project: string, url: string): Promise<Required<ProjectWebhook>> {
  return (await client.call(endpoints.setWebhook, { params: { name: project }, body: { url } })).webhook;
}

export async function removeWebhook(project: string): Promise<void> {
  await client.call(endpoints.deleteWebhook, { params: { name: project } });
}
