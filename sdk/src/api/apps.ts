/** A project's apps: /api/projects/{name}/apps. */
import { z } from "zod";
import { appParams, emptyBody, nullableTimestamp, projectParams, timestamp } from "./common.js";
import { deploymentAnswer } from "./deployments.js";
import { endpoint } from "./endpoint.js";

export const APP_VISIBILITIES = ["public", "private"] as const;
export type AppVisibility = (typeof APP_VISIBILITIES)[number];

export const app = z
  .strictObject({
    name: z.string(),
    image: z.string(),
    port: z.number().nullable(),
    replicas: z.number().nullable(),
    command: z.array(z.string()).nullable(),
    args: z.array(z.string()).nullable(),
    env: z.record(z.string(), z.string()),
    /** Write-only: the names, each with a mask for its value. */
    secretEnv: z.record(z.string(), z.string()),
    resources: z.strictObject({ cpu: z.string(), memory: z.string() }),
    healthCheck: z.strictObject({ path: z.string() }).nullable(),
    domain: z.string().nullable(),
    /** private: its domain is served only through the platform's private network. */
    visibility: z.enum(APP_VISIBILITIES),
    autoscale: z.strictObject({ min: z.number(), max: z.number(), cpuPercent: z.number() }).nullable(),
    restartedAt: nullableTimestamp,
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: "App" });
export type App = z.infer<typeof app>;
const appAnswer = z.strictObject({ app });

// The app fields of the ProjectSpec, checked by the SDK's schema with the rest of the project (same messages as the CLI).
export const appBody = z.record(z.string(), z.unknown()).meta({ description: "the fields of an app as in the ProjectSpec" });

export const listApps = endpoint({
  id: "listApps",
  method: "GET",
  path: "/api/projects/{name}/apps",
  summary: "The project's apps, in order",
  access: { project: "viewer" },
  params: projectParams,
  responses: { 200: z.strictObject({ items: z.array(app) }) },
});

export const createApp = endpoint({
  id: "createApp",
  method: "POST",
  path: "/api/projects/{name}/apps",
  summary: "Add an app (takes effect with the next deployment)",
  access: { project: "developer" },
  params: projectParams,
  body: appBody,
  responses: { 201: appAnswer },
});

export const getApp = endpoint({
  id: "getApp",
  method: "GET",
  path: "/api/projects/{name}/apps/{app}",
  summary: "One app",
  access: { project: "viewer" },
  params: appParams,
  responses: { 200: appAnswer },
});

export const updateApp = endpoint({
  id: "updateApp",
  method: "PATCH",
  path: "/api/projects/{name}/apps/{app}",
  summary: "Change an app's fields (null removes an optional one; secretEnv values replace, null deletes)",
  access: { project: "developer" },
  params: appParams,
  body: appBody,
  responses: { 200: appAnswer },
});

export const deleteApp = endpoint({
  id: "deleteApp",
  method: "DELETE",
  path: "/api/projects/{name}/apps/{app}",
  summary: "Remove an app (from the cluster with the next deployment)",
  access: { project: "developer" },
  params: appParams,
  responses: { 204: null },
});

export const restartApp = endpoint({
  id: "restartApp",
  method: "POST",
  path: "/api/projects/{name}/apps/{app}/restart",
  summary: "Restart the app's pods: a deployment with a new restartedAt",
  access: { project: "developer" },
  params: appParams,
  body: emptyBody,
  responses: { 202: deploymentAnswer },
});
