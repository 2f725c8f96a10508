/**
 * Projects, their apps and members, split along the data flow:
 *
 * - pure decisions, no database: `limits.ts` (the limits policy), `app-changes.ts` (a PATCH merged into an
 *   app), `owners.ts` (a project keeps an owner; account deletion asks it too), `usage.ts` (quota
 *   arithmetic) and `spec-check.ts` (a candidate project checked by the SDK's schema);
 * - reads and writes: `access.ts` (roles, the membership cache), `list.ts` (the list read model),
 *   `spec.ts` (a stored project as a spec), `lifecycle.ts`, `apps.ts`, `members.ts`, `owner-limits.ts`,
 *   `conflicts.ts` (names and domains taken, before the write or in a race)
 *   and `locking.ts`, composed by `service.ts`.
 *
 * Presenters are in `presenters/`.
 */
export { MEMBERSHIP_TTL_MS, type Membership } from "./access.js";
export { mergeAppChanges } from "./app-changes.js";
export { type NewProject, type ProjectChanges } from "./lifecycle.js";
export { checkWithinLimits, DEFAULT_LIMITS, limitsWith, type Limits, type LimitsOverride } from "./limits.js";
export type { ProjectListRow } from "./list.js";
export type { MemberRow } from "./members.js";
export { keepsAnOwner, lastOwner, projectsLeftWithoutOwner, soleOwner } from "./owners.js";
export { Projects } from "./service.js";
export { usageOf } from "./usage.js";
