/** Previews (what a deploy would do) and drift checks (what changed outside BabyHelm): engine runs that change nothing. */
import { z } from "zod";
import { emptyBody, nullableTimestamp, projectParams } from "./common.js";
import { deploymentStatus, deploymentSummary, planStep } from "./deployments.js";
import { endpoint } from "./endpoint.js";

const WAIT = "must be the number of seconds to wait for the result, 0 to 60";
const waitQuery = z.strictObject({
  wait: z
    .string()
    .regex(/^\d{1,2}$/, { message: WAIT })
    .transform(Number)
    .refine((seconds) => seconds <= 60, { message: WAIT })
    .optional(),
});

export const createPreview = endpoint({
  id: "createPreview",
  method: "POST",
  path: "/api/projects/{name}/previews",
  summary: "The engine's plan for the stored spec: 200 once it has run within `wait` seconds (default 60), 202 with its Location otherwise",
  access: { project: "developer" },
  params: projectParams,
  query: waitQuery,
  body: emptyBody,
  responses: { 200: z.strictObject({ preview: deploymentSummary }), 202: z.strictObject({ preview: deploymentSummary.nullable() }) },
});

export const DRIFT_STATES = ["not_deployed", "unchecked", "in_sync", "drifted", "reconciled", "outdated", "unknown"] as const;
export type DriftState = (typeof DRIFT_STATES)[number];

export const drift = z
  .strictObject({
    state: z.enum(DRIFT_STATES),
    message: z.string(),
    checkId: z.string().nullable(),
    checkedAt: nullableTimestamp,
    /** The deployment the cluster was compared with. */
    against: z.string().nullable(),
    /** Why the last check did not finish. */
    error: z.string().nullable(),
    /** What differs, per resource: before is the cluster's value, after what BabyHelm deploys. */
    resources: z.array(planStep),
    /** A check waiting or running. */
    pending: z.strictObject({ id: z.string(), status: deploymentStatus }).nullable(),
    /** How often every deployed project is checked; 0: on demand only. */
    intervalMs: z.number(),
  })
  .meta({ id: "Drift" });
export type Drift = z.infer<typeof drift>;

export const getDrift = endpoint({
  id: "getDrift",
  method: "GET",
  path: "/api/projects/{name}/drift",
  summary: "The last drift check, read against what was deployed since",
  access: { project: "viewer" },
  params: projectParams,
  responses: { 200: z.strictObject({ drift }) },
});

export const checkDrift = endpoint({
  id: "checkDrift",
  method: "POST",
  path: "/api/projects/{name}/drift",
  summary: "Check for drift now: 200 with the result once it ran within `wait` seconds (default 0), 202 otherwise",
  access: { project: "developer" },
  params: projectParams,
  query: waitQuery,
  body: emptyBody,
  responses: { 200: z.strictObject({ check: deploymentSummary, drift }), 202: z.strictObject({ check: deploymentSummary.nullable() }) },
});
