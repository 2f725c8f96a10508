/** An app as the API shows it: secret values never, only their names. */
import type { App } from "@babyhelm/sdk/api";
import type { Wire } from "../http/wire.js";
import type { AppRecord } from "../models/AppRecord.js";
import { MASK } from "../services/project-spec.js";

export function presentApp(app: AppRecord): Wire<App> {
  return {
    name: app.name,
    image: app.image,
    port: app.port,
    replicas: app.replicas,
    command: app.command,
    args: app.args,
    env: app.env ?? {},
    // Write-only: the names, never the values.
    secretEnv: Object.fromEntries((app.secretEnvKeys ?? []).map((key) => [key, MASK])),
    resources: { cpu: app.resourcesCpu, memory: app.resourcesMemory },
    healthCheck: app.healthCheckPath ? { path: app.healthCheckPath } : null,
    domain: app.domain,
    visibility: app.visibility === "private" ? "private" : "public",
    autoscale: app.autoscale,
    restartedAt: app.restartedAt,
    createdAt: app.createdAt,
    updatedAt: app.updatedAt,
  };
}
