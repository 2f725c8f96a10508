/**
 * `withProject(minRole)`: the membership of the project named in the URL, loaded once per request before
 * the handler runs. Non-members get 404 (there is nothing for them to see), members with too small a role 403.
 */
import type { RouterMiddleware } from "@koa/router";
import { unauthenticated } from "../errors.js";
import type { Membership, Projects } from "../services/projects.js";
import type { Role } from "../models/ProjectMember.js";
import type { PortalContext, PortalState } from "./state.js";

export type WithProject = (minRole: Role) => RouterMiddleware<PortalState>;

export function projectAccess(projects: Projects): WithProject {
  return (minRole) => async (ctx, next) => {
    const user = ctx.state.auth.user;
    if (!user) throw unauthenticated();
    ctx.state.membership = await projects.access(user, ctx.params.name!, minRole);
    await next();
  };
}

/** The membership `withProject` loaded; a route that forgot the middleware fails loudly rather than serving nobody's project. */
export function membershipOf(ctx: PortalContext): Membership {
  const membership = ctx.state.membership;
  if (!membership) throw new Error(`${ctx.method} ${ctx.path} reads the project without withProject()`);
  return membership;
}
