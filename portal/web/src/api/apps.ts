/** Saving an app of a project: it takes effect with the next deployment. */
import { endpoints, type App } from "@babyhelm/sdk/api";
import { client } from "./client.js";

/** Creates the app, or with `existing` (its name now) changes it: the body is the ProjectSpec's app fields. */
export async function saveApp(project: string, app: Record<string, unknown>, existing?: string): Promise<App> {
  const answer = existing
    ? await client.call(endpoints.updateApp, { params: { name: project, app: existing }, body: app })
    : await client.call(endpoints.createApp, { params: { name: project }, body: app });
  return answer.app;
}
