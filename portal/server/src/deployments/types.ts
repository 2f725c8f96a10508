/**
 * What the API answers about plans, differences and upgrade rollouts: the API contract's types
 * (`@babyhelm/sdk/api`), which the server builds (plan.ts, diff.ts, upgrades.ts) and the web app reads.
 */
export type { FieldChange, ObjectChange, PlanChange, PlanOp, PlanStep, UpgradeCandidate, UpgradeProject, UpgradeProjectStatus, UpgradeStatus } from "@babyhelm/sdk/api";
