/** Deployments (runs of a project's stack), their records, diffs and rollbacks: /api/projects/{name}/deployments. */
import { z } from "zod";
import { deploymentParams, emptyBody, nullableTimestamp, projectParams, timestamp } from "./common.js";
import { endpoint } from "./endpoint.js";

export const DEPLOYMENT_KINDS = ["up", "destroy", "preview", "drift"] as const;
/** up and destroy are the project's history; previews and drift checks are engine runs that change nothing. */
export const deploymentKind = z.enum(DEPLOYMENT_KINDS);
export type DeploymentKind = z.infer<typeof deploymentKind>;
export const deploymentStatus = z.enum(["queued", "running", "succeeded", "failed", "cancelled"]);
export type DeploymentStatus = z.infer<typeof deploymentStatus>;

export const PLAN_OPS = ["create", "update", "replace", "delete"] as const;
export type PlanOp = (typeof PLAN_OPS)[number];
/**
 * One field a step changes, as the provider's detailed diff names it (`spec.template.spec.containers[0].image`):
 * the value now (for a drift check: in the cluster) and the value the spec gives, absent when secret or unknown.
 */
export const planChange = z.strictObject({ field: z.string(), before: z.unknown().optional(), after: z.unknown().optional() });
export type PlanChange = z.infer<typeof planChange>;
/**
 * One resource the engine would change; `op` is the engine's own word (create, update, replace, delete or
 * another; steps that change nothing are left out), `kind` the Kubernetes kind or the Pulumi type of anything else.
 */
export const planStep = z.strictObject({ op: z.string(), kind: z.string(), name: z.string(), changes: z.array(planChange) }).meta({ id: "PlanStep" });
export type PlanStep = Omit<z.infer<typeof planStep>, "op"> & { op: PlanOp | (string & {}) };

/** A changed field of a spec or manifest, at its dotted path, lists keyed by name: `apps[web].image`. */
export const fieldChange = z.strictObject({ path: z.string(), before: z.unknown().optional(), after: z.unknown().optional() });
export type FieldChange = z.infer<typeof fieldChange>;
/** `object`: kind, namespace and name, `Deployment shop/web`. */
export const objectChange = z.strictObject({ object: z.string(), op: z.enum(["added", "removed", "changed"]), changes: z.array(fieldChange) });
export type ObjectChange = z.infer<typeof objectChange>;

export const deploymentSummary = z
  .strictObject({
    id: z.string(),
    kind: deploymentKind,
    status: deploymentStatus,
    error: z.string().nullable(),
    summary: z.record(z.string(), z.number()).nullable(),
    outputs: z.record(z.string(), z.unknown()).nullable(),
    /** An up that read the cluster back first, so changes made outside BabyHelm were put back. */
    refresh: z.boolean(),
    /** The deployment whose apps this up rolled back to. */
    rollbackOf: z.string().nullable(),
    upgradeId: z.string().nullable(),
    sdkVersion: z.string().nullable(),
    /** Set once the run has recorded what it deployed: only then can it be viewed, compared or rolled back to. */
    manifestsDigest: z.string().nullable(),
    /** Previews and drift checks only: the per-resource plan, once the run has made it. */
    plan: z.array(planStep).nullable().optional(),
    createdAt: timestamp,
    startedAt: nullableTimestamp,
    finishedAt: nullableTimestamp,
  })
  .meta({ id: "Deployment" });
export type DeploymentSummary = z.infer<typeof deploymentSummary>;
export const deploymentAnswer = z.strictObject({ deployment: deploymentSummary });

/** The last deployment as the project list shows it. */
export const lastDeployment = z.strictObject({ id: z.string(), kind: deploymentKind, status: deploymentStatus, createdAt: timestamp, finishedAt: nullableTimestamp });

export const deploymentDetail = deploymentSummary.extend({
  /** What it deployed (secret values masked); null until the run recorded it. */
  spec: z.unknown(),
  log: z.string(),
});
export type Deployment = z.infer<typeof deploymentDetail>;

export const listDeployments = endpoint({
  id: "listDeployments",
  method: "GET",
  path: "/api/projects/{name}/deployments",
  summary: "The project's latest 50 runs, newest first",
  access: { project: "viewer" },
  params: projectParams,
  query: z.strictObject({
    // Sent as one comma-separated parameter; the server receives the kinds as a list.
    kind: z
      .string()
      .regex(/^(up|destroy|preview|drift)(,(up|destroy|preview|drift))*$/, { message: "must be one or more of up, destroy, preview, drift, separated by commas" })
      .transform((kinds) => kinds.split(","))
      .pipe(z.array(deploymentKind))
      .optional(),
  }),
  responses: { 200: z.strictObject({ items: z.array(deploymentSummary) }) },
});

export const createDeployment = endpoint({
  id: "createDeployment",
  method: "POST",
  path: "/api/projects/{name}/deployments",
  summary: "Deploy the stored spec (queued behind the project's earlier runs)",
  access: { project: "developer" },
  params: projectParams,
  // Read every object back from the cluster first, so changes made outside BabyHelm (drift) are put back.
  body: z.strictObject({ refresh: z.boolean().optional() }),
  responses: { 202: deploymentAnswer },
});

export const getDeployment = endpoint({
  id: "getDeployment",
  method: "GET",
  path: "/api/projects/{name}/deployments/{id}",
  summary: "One run, with its log and the spec it deployed",
  access: { project: "viewer" },
  params: deploymentParams,
  responses: { 200: z.strictObject({ deployment: deploymentDetail }) },
});

const recordRef = z.strictObject({ id: z.string(), sdkVersion: z.string().nullable(), manifestsDigest: z.string().nullable() });

export const deploymentSpec = z.strictObject({
  deploymentId: z.string(),
  status: deploymentStatus,
  sdkVersion: z.string().nullable(),
  manifestsDigest: z.string().nullable(),
  spec: z.unknown(),
});
export type DeploymentSpec = z.infer<typeof deploymentSpec>;

export const getDeploymentSpec = endpoint({
  id: "getDeploymentSpec",
  method: "GET",
  path: "/api/projects/{name}/deployments/{id}/spec",
  summary: "What an up deployed: its spec with secret values masked, SDK version and manifests digest",
  access: { project: "viewer" },
  params: deploymentParams,
  responses: { 200: deploymentSpec },
});

export const deploymentDiff = z.strictObject({ from: recordRef, to: recordRef, spec: z.array(fieldChange), manifests: z.array(objectChange) });
export type DeploymentDiff = z.infer<typeof deploymentDiff>;

export const getDeploymentDiff = endpoint({
  id: "getDeploymentDiff",
  method: "GET",
  path: "/api/projects/{name}/deployments/{id}/diff",
  summary: "What changed from one recorded up (default: the one before) to this one",
  access: { project: "viewer" },
  params: deploymentParams,
  query: z.strictObject({
    from: z
      .string()
      .regex(/^\d{1,18}$/, { message: "must be a deployment id" })
      .optional(),
  }),
  responses: { 200: deploymentDiff },
});

export const rollbackDeployment = endpoint({
  id: "rollbackDeployment",
  method: "POST",
  path: "/api/projects/{name}/deployments/{id}/rollback",
  summary: "Deploy the apps this recorded up deployed (409 no_longer_valid when they no longer fit)",
  access: { project: "developer" },
  params: deploymentParams,
  body: emptyBody,
  responses: { 202: deploymentAnswer },
});

export const cancelDeployment = endpoint({
  id: "cancelDeployment",
  method: "POST",
  path: "/api/projects/{name}/deployments/{id}/cancel",
  summary: "Cancel a queued or running run",
  access: { project: "developer" },
  params: deploymentParams,
  body: emptyBody,
  responses: { 202: deploymentAnswer },
});

export const deploymentEvents = endpoint({
  id: "deploymentEvents",
  method: "GET",
  path: "/api/projects/{name}/deployments/{id}/events",
  summary: "Server-sent events: progress and output as stored, status on every change, end when finished; resumes after Last-Event-ID",
  access: { project: "viewer" },
  params: deploymentParams,
  responses: { 200: { contentType: "text/event-stream", description: "events progress, output, status (a Deployment) and end ({status})" } },
});
