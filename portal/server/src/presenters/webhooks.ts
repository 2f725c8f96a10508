/** A project's alert webhook as the API shows it: the URL, never the signing secret. */
import type { ProjectWebhook } from "@babyhelm/sdk/api";
import type { Project } from "../models/Project.js";

export function presentWebhook(project: Project): ProjectWebhook | null {
  return project.webhookUrl ? { url: project.webhookUrl } : null;
}
