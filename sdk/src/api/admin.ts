/** Platform administration (platform admins only): users' limits and platform-wide upgrades. */
import { z } from "zod";
import { nullableTimestamp, timestamp } from "./common.js";
import { objectChange } from "./deployments.js";
import { endpoint } from "./endpoint.js";
import { cpuProblem, memoryProblem } from "../spec/quantity.js";
import { checked } from "../spec/schema.js";

export const MAX_UPGRADE_CONCURRENCY = 10;

const quantity = (problem: (value: string) => string | undefined) => z.string().superRefine(checked(problem));

export const limits = z.strictObject({ maxProjects: z.number(), maxCpu: z.string(), maxMemory: z.string() }).meta({ id: "UserLimits" });
const limitsAnswer = z.strictObject({ limits });
const userParams = z.strictObject({ id: z.string() });

export const getUserLimits = endpoint({
  id: "getUserLimits",
  method: "GET",
  path: "/api/admin/users/{id}/limits",
  summary: "A user's limits: projects they may own, CPU and memory summed over the quotas of those projects",
  access: "admin",
  params: userParams,
  responses: { 200: limitsAnswer },
});

export const updateUserLimits = endpoint({
  id: "updateUserLimits",
  method: "PATCH",
  path: "/api/admin/users/{id}/limits",
  summary: "Change a user's limits; null restores a default",
  access: "admin",
  params: userParams,
  body: z
    .strictObject({
      maxProjects: z.number().int().min(0).max(1000).nullable().optional(),
      maxCpu: quantity(cpuProblem).nullable().optional(),
      maxMemory: quantity(memoryProblem).nullable().optional(),
    })
    .refine((body) => Object.keys(body).length > 0, { message: "send at least one of maxProjects, maxCpu, maxMemory (null restores the default)" }),
  responses: { 200: limitsAnswer },
});

export const upgradeCandidate = z.strictObject({
  project: z.string(),
  /** The last successful deployment, what a redeploy would deploy again. */
  deploymentId: z.string(),
  /** The SDK version that deployment rendered with; null when it predates recording it. */
  deployedWith: z.string().nullable(),
  changed: z.boolean(),
  changes: z.array(objectChange),
  /** Why this portal cannot render the last deployment's spec (its SDK refuses it now): not upgradable until fixed. */
  problem: z.string().optional(),
});
export type UpgradeCandidate = z.infer<typeof upgradeCandidate>;

export const UPGRADE_STATUSES = ["running", "succeeded", "failed"] as const;
export type UpgradeStatus = (typeof UPGRADE_STATUSES)[number];
export const UPGRADE_PROJECT_STATUSES = ["pending", "deploying", "succeeded", "failed", "skipped"] as const;
export type UpgradeProjectStatus = (typeof UPGRADE_PROJECT_STATUSES)[number];

/** One project of a rollout, in order: the canary first. */
export const upgradeProject = z.strictObject({
  project: z.string(),
  projectId: z.string(),
  canary: z.boolean(),
  status: z.enum(UPGRADE_PROJECT_STATUSES),
  /** The up the rollout queued for it, once it has started. */
  deploymentId: z.string().nullable(),
  error: z.string().nullable(),
});
export type UpgradeProject = z.infer<typeof upgradeProject>;

/** A rollout: the canary alone, then the others `concurrency` at a time, stopped by the first failure. */
export const upgrade = z
  .strictObject({
    id: z.string(),
    status: z.enum(UPGRADE_STATUSES),
    concurrency: z.number(),
    /** Why it stopped. */
    error: z.string().nullable(),
    projects: z.array(upgradeProject),
    createdAt: timestamp,
    finishedAt: nullableTimestamp,
  })
  .meta({ id: "Upgrade" });
export type Upgrade = z.infer<typeof upgrade>;

export const upgradePlan = z.strictObject({
  /** The SDK this portal renders with. */
  sdkVersion: z.string(),
  projects: z.array(upgradeCandidate),
  /** The latest rollouts, newest first. */
  rollouts: z.array(upgrade),
});
export type UpgradePlan = z.infer<typeof upgradePlan>;

export const getUpgrades = endpoint({
  id: "getUpgrades",
  method: "GET",
  path: "/api/admin/upgrades",
  summary: "What a redeploy would change per project (this portal's SDK and platform settings), and the rollouts so far",
  access: "admin",
  responses: { 200: upgradePlan },
});

export const upgradeRequest = z.strictObject({
  projects: z.array(z.string().max(100), { message: "must be a list of project names" }).max(1000).optional(),
  canary: z.string().max(100).optional(),
  concurrency: z
    .number({ message: "must be a whole number" })
    .int({ message: "must be a whole number" })
    .min(1, { message: "must be at least 1" })
    .max(MAX_UPGRADE_CONCURRENCY, { message: `must be at most ${MAX_UPGRADE_CONCURRENCY}` })
    .optional(),
});
export type UpgradeRequest = z.input<typeof upgradeRequest>;

export const startUpgrade = endpoint({
  id: "startUpgrade",
  method: "POST",
  path: "/api/admin/upgrades",
  summary: "Redeploy projects with this portal's SDK: the canary first, then the rest (default: every changed project)",
  access: "admin",
  body: upgradeRequest,
  responses: { 202: z.strictObject({ upgrade }) },
});

export const getUpgrade = endpoint({
  id: "getUpgrade",
  method: "GET",
  path: "/api/admin/upgrades/{id}",
  summary: "One rollout and its projects",
  access: "admin",
  params: z.strictObject({ id: z.string() }),
  responses: { 200: z.strictObject({ upgrade }) },
});
