/**
 * What a limited personal access token may reach: the pure rule, no database. A token may be limited to
 * one project (by id: a later project of the same name is another project) and capped at a role. Sessions
 * and unlimited tokens carry no limits and act with the user's own role everywhere.
 */
import type { ApiToken } from "../models/ApiToken.js";
import type { Role } from "../models/ProjectMember.js";

/** Lowest first: a token's role caps the member's, never raises it. */
export const ROLE_ORDER = ["viewer", "developer", "owner"] as const satisfies readonly Role[];

export interface TokenLimits {
  /** The one project the token may reach; null: any of the user's projects. */
  projectId: string | null;
  /** The most the token may do in a project; null: the user's role there. */
  role: Role | null;
}

/** A token's limits; undefined when it has none (it acts as its user, like a session). */
export function limitsOf(token: Pick<ApiToken, "projectId" | "role">): TokenLimits | undefined {
  if (token.projectId === null && token.role === null) return undefined;
  return { projectId: token.projectId, role: token.role };
}

export function roleAtLeast(role: Role, minimum: Role): boolean {
  return ROLE_ORDER.indexOf(role) >= ROLE_ORDER.indexOf(minimum);
}

/**
 * The role a request acts with in a project: the member's role, capped by the token's; undefined when the
 * project is not found for it: the user is not a member, or the token is limited to another project.
 */
export function effectiveRole(limits: TokenLimits | undefined, projectId: string, memberRole: Role | undefined): Role | undefined {
  if (memberRole === undefined) return undefined;
  if (limits?.projectId && limits.projectId !== String(projectId)) return undefined;
  return cappedRole(limits, memberRole);
}

/** The lower of the member's role and the token's (in a project the token may reach). */
export function cappedRole(limits: TokenLimits | undefined, memberRole: Role): Role {
  return limits?.role && roleAtLeast(memberRole, limits.role) ? limits.role : memberRole;
}

/** Whether a request may create projects: it would be their owner, so not with a project-limited or role-capped token. */
export function mayCreateProjects(limits: TokenLimits | undefined): boolean {
  return !limits || (limits.projectId === null && (limits.role === null || limits.role === "owner"));
}
