/** Projects: /api/projects. */
import { z } from "zod";
import { nullableTimestamp, projectParams, role, timestamp } from "./common.js";
import { deploymentAnswer, lastDeployment } from "./deployments.js";
import { app } from "./apps.js";
import { endpoint } from "./endpoint.js";

export const EXPIRES_AT_FORMAT = "must be an ISO 8601 time with an offset, such as 2026-12-24T18:00:00Z or 2026-12-24T19:00:00+01:00, or null for no expiry";

export const quota = z.strictObject({ cpu: z.string(), memory: z.string(), pods: z.number() });
export type Quota = z.infer<typeof quota>;

export const projectListItem = z
  .strictObject({
    name: z.string(),
    displayName: z.string().nullable(),
    role,
    quota,
    appCount: z.number(),
    createdAt: timestamp,
    /** A preview environment's end: then it is destroyed and removed; null: never. */
    expiresAt: nullableTimestamp,
    lastDeployment: lastDeployment.nullable(),
  })
  .meta({ id: "ProjectListItem" });
export type ProjectListItem = z.infer<typeof projectListItem>;

export const project = z.strictObject({
  name: z.string(),
  displayName: z.string().nullable(),
  /** The role of whoever asks. */
  role,
  quota,
  monitoring: z.strictObject({ dashboard: z.boolean() }),
  /** Whether the project's stack exists (its first deployment has started). */
  deployed: z.boolean(),
  expiresAt: nullableTimestamp,
  createdAt: timestamp,
  updatedAt: timestamp,
});

export const projectDetail = project
  .extend({
    /** What the apps request at their base replica count, against the quota. */
    usage: z.strictObject({ cpu: z.string(), memory: z.string(), pods: z.number() }).optional(),
    apps: z.array(app),
    lastDeployment: z.union([deploymentAnswer.shape.deployment, z.null()]),
  })
  .meta({ id: "Project" });
export type Project = z.infer<typeof projectDetail>;

// Shapes only; the ProjectSpec schema checks the values, with the same messages as the CLI.
// `expiresAt` (a preview environment's end) is checked against the clock by the server.
const expiresAt = z.union([z.string().max(100), z.null()], { error: EXPIRES_AT_FORMAT }).optional();
export const createProjectBody = z.strictObject({
  name: z.string().max(100),
  displayName: z.string().max(200).optional(),
  quota: z.record(z.string(), z.unknown()).optional(),
  monitoring: z.record(z.string(), z.unknown()).optional(),
  expiresAt,
});
export const updateProjectBody = z
  .strictObject({
    displayName: z.string().max(200).nullable().optional(),
    quota: z.record(z.string(), z.unknown()).optional(),
    monitoring: z.record(z.string(), z.unknown()).optional(),
    expiresAt,
  })
  .refine((body) => Object.keys(body).length > 0, { message: "send at least one field to change: displayName, quota, monitoring, expiresAt" });

export const listProjects = endpoint({
  id: "listProjects",
  method: "GET",
  path: "/api/projects",
  summary: "The projects the caller is a member of, with their role and last deployment",
  access: "user",
  responses: { 200: z.strictObject({ items: z.array(projectListItem) }) },
});

export const createProject = endpoint({
  id: "createProject",
  method: "POST",
  path: "/api/projects",
  summary: "Create a project (409 name_taken when the name is in use)",
  access: "user",
  body: createProjectBody,
  responses: { 201: z.strictObject({ project: projectDetail }) },
});

export const getProject = endpoint({
  id: "getProject",
  method: "GET",
  path: "/api/projects/{name}",
  summary: "A project with its apps, usage and last deployment",
  access: { project: "viewer" },
  params: projectParams,
  responses: { 200: z.strictObject({ project: projectDetail }) },
});

export const updateProject = endpoint({
  id: "updateProject",
  method: "PATCH",
  path: "/api/projects/{name}",
  summary: "Change a project's display name, quota, monitoring or expiry",
  access: { project: "owner" },
  params: projectParams,
  body: updateProjectBody,
  responses: { 200: z.strictObject({ project }) },
});

export const deleteProject = endpoint({
  id: "deleteProject",
  method: "DELETE",
  path: "/api/projects/{name}",
  summary: "Destroy a project's stack, then its record (at once when it was never deployed)",
  access: { project: "owner" },
  params: projectParams,
  responses: {
    202: z.union([deploymentAnswer, z.strictObject({ deployment: z.null(), deleted: z.literal(true) })]),
  },
});

export const getProjectSpec = endpoint({
  id: "getProjectSpec",
  method: "GET",
  path: "/api/projects/{name}/spec",
  summary: "The project's ProjectSpec, secret values masked",
  access: { project: "viewer" },
  params: projectParams,
  responses: { 200: z.record(z.string(), z.unknown()).meta({ description: "a ProjectSpec (see the SDK's spec schema)" }) },
});

export const getProjectManifests = endpoint({
  id: "getProjectManifests",
  method: "GET",
  path: "/api/projects/{name}/manifests",
  summary: "The Kubernetes manifests a deploy would create, secret values masked",
  access: { project: "viewer" },
  params: projectParams,
  responses: { 200: { contentType: "text/yaml", description: "a multi-document YAML stream" } },
});

export const exportProject = endpoint({
  id: "exportProject",
  method: "GET",
  path: "/api/projects/{name}/export",
  summary: "A tar.gz of a ready `pulumi up` repository for the project (secret names, never values)",
  access: { project: "owner" },
  params: projectParams,
  responses: { 200: { contentType: "application/gzip", description: "<name>/ with package.json, Pulumi.yaml, tsconfig.json, index.ts, spec.yaml, README.md" } },
});
