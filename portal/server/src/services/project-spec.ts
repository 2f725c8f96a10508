/**
 * Stored projects and apps as a ProjectSpec, and back: the spec is what render, deploy and the API's
 * /spec all read, so they can never disagree.
 */
import type { AppSpecInput, ProjectSpecInput } from "@babyhelm/sdk";
import type { AppRecord } from "../models/AppRecord.js";
import type { Project } from "../models/Project.js";
import { decryptJson, encryptJson } from "./secret-box.js";

export const MASK = "********";

/** Secret values in the spec: the real ones (for a deploy), or masked (for anyone reading it). */
export type SecretMode = { secrets: "masked" } | { secrets: "plain"; key: Buffer };

export function secretContext(projectId: string, appName: string): string {
  return `project:${projectId}/app:${appName}`;
}

export function appSpecOf(project: Project, app: AppRecord, mode: SecretMode): AppSpecInput {
  const spec: AppSpecInput = { name: app.name, image: app.image };
  if (app.port !== null) spec.port = app.port;
  if (app.replicas !== null) spec.replicas = app.replicas;
  if (app.command) spec.command = app.command;
  if (app.args) spec.args = app.args;
  if (app.env && Object.keys(app.env).length > 0) spec.env = app.env;
  if (app.secretEnvEncrypted && app.secretEnvKeys?.length) {
    spec.secretEnv =
      mode.secrets === "plain"
        ? decryptJson<Record<string, string>>(mode.key, app.secretEnvEncrypted, secretContext(project.id, app.name))
        : Object.fromEntries(app.secretEnvKeys.map((key) => [key, MASK]));
  }
  spec.resources = { cpu: app.resourcesCpu, memory: app.resourcesMemory };
  if (app.healthCheckPath) spec.healthCheck = { path: app.healthCheckPath };
  if (app.domain) spec.domain = app.domain;
  // Whatever the column holds goes to the schema, which names a value it does not know rather than making it public.
  if (app.visibility !== null && app.visibility !== "public") spec.visibility = app.visibility as AppSpecInput["visibility"];
  if (app.autoscale) spec.autoscale = app.autoscale;
  if (app.restartedAt) spec.restartedAt = app.restartedAt;
  return spec;
}

export function projectSpecOf(project: Project, apps: AppRecord[], mode: SecretMode): ProjectSpecInput {
  return {
    name: project.name,
    ...(project.displayName ? { displayName: project.displayName } : {}),
    quota: { cpu: project.quotaCpu, memory: project.quotaMemory, pods: project.quotaPods },
    apps: [...apps].sort((a, b) => a.position - b.position).map((app) => appSpecOf(project, app, mode)),
    monitoring: { dashboard: project.monitoringDashboard },
  };
}

/** The columns of an app, from a parsed ProjectSpec app; secret values are encrypted here and nowhere else. */
export function appColumnsOf(
  projectId: string,
  app: {
    name: string;
    image: string;
    port?: number;
    replicas?: number;
    command?: string[];
    args?: string[];
    env?: Record<string, string>;
    secretEnv?: Record<string, string>;
    resources: { cpu: string; memory: string };
    healthCheck?: { path: string };
    domain?: string;
    visibility?: "public" | "private";
    autoscale?: { min: number; max: number; cpuPercent: number };
    restartedAt?: string;
  },
  key: Buffer,
) {
  const secretKeys = Object.keys(app.secretEnv ?? {});
  return {
    name: app.name,
    image: app.image,
    port: app.port ?? null,
    replicas: app.replicas ?? null,
    command: app.command ?? null,
    args: app.args ?? null,
    env: app.env ?? null,
    secretEnvEncrypted: secretKeys.length > 0 ? encryptJson(key, app.secretEnv, secretContext(projectId, app.name)) : null,
    secretEnvKeys: secretKeys.length > 0 ? secretKeys : null,
    resourcesCpu: app.resources.cpu,
    resourcesMemory: app.resources.memory,
    healthCheckPath: app.healthCheck?.path ?? null,
    domain: app.domain ?? null,
    // Public is the default: stored as null, as for apps created before the field existed.
    visibility: app.visibility === "private" ? "private" : null,
    autoscale: app.autoscale ?? null,
    restartedAt: app.restartedAt ?? null,
  };
}
