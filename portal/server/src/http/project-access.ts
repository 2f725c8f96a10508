/**
 * `withProject(minRole)`: the membership of the project named in the URL, loaded once per request before
 * the handler runs. Non-members get 404 (there is nothing for them to see), members with too small a role 403.
 * A limited token acts with its effective role (token-scope.ts): outside its project 404, above its role 403.
 */
import type { RouterMiddleware } from "@koa/router";
import { AppError, notFound, unauthenticated } from "../errors.js";
import type { Membership, Projects } from "../services/projects/index.js";
import type { Role } from "../models/ProjectMember.js";
import type { AuthState, PortalContext, PortalState } from "./state.js";
import { effectiveRole, roleAtLeast } from "../access/token-scope.js";

export type WithProject = (minRole: Role) => RouterMiddleware<PortalState>;

export function projectAccess(projects: Projects): WithProject {
  return (minRole) => async (ctx, next) => {
    const user = ctx.state.auth.user;
    if (!user) throw unauthenticated();
    ctx.state.membership = await projectMembership(projects, ctx.state.auth, ctx.params.name!, minRole);
    await next();
  };
}

/** The membership a request acts with in project `name`: the member's own, or a limited token's effective role. */
export async function projectMembership(projects: Projects, auth: AuthState, name: string, minRole: Role): Promise<Membership> {
  const { user, limits } = auth;
  if (!user) throw unauthenticated();
  if (!limits) return await projects.access(user, name, minRole);
  const membership = await projects.access(user, name, "viewer");
  const role = effectiveRole(limits, membership.project.id, membership.role);
  if (!role) throw notFound(`Project "${name}"`);
  if (!roleAtLeast(role, minRole)) {
    throw new AppError(
      403,
      "forbidden",
      `This token acts as ${role} in "${name}" (your role there, capped by the token's); this needs ${minRole === "owner" ? "an owner" : `a ${minRole} or owner`}: use a token with a higher role, or log in.`,
    );
  }
  return { ...membership, role };
}

/** The membership `withProject` loaded; a route that forgot the middleware fails loudly rather than serving nobody's project. */
export function membershipOf(ctx: PortalContext): Membership {
  const membership = ctx.state.membership;
  if (!membership) throw new Error(`${ctx.method} ${ctx.path} reads the project without withProject()`);
  return membership;
}
