import type Router from "@koa/router";
import { endpoints } from "@babyhelm/sdk/api";
import { contractRoutes } from "../http/contract-routes.js";
import { membershipOf, projectAccess } from "../http/project-access.js";
import type { PortalState } from "../http/state.js";
import { presentMember } from "../presenters/members.js";
import type { Projects } from "../services/projects/index.js";

/** Routes are relative to /api/projects (see app.ts). */
export function memberRoutes(router: Router<PortalState>, projects: Projects): void {
  const api = contractRoutes(router, { project: projectAccess(projects) }, "/api/projects");
  api.on(endpoints.listMembers, async (ctx) => ({ items: (await projects.members(membershipOf(ctx).project)).map(presentMember) }));

  /** Adds a member (201), or changes a member's role (200). */
  api.on(endpoints.setMember, async (ctx, { body: { email, role } }) => {
    const { project } = membershipOf(ctx);
    const added = await projects.setMember(ctx.state.auth.user!, project, email, role);
    ctx.status = added ? 201 : 200;
    // setMember has just stored them: they are among the members.
    const member = (await projects.members(project)).map(presentMember).find((candidate) => candidate.email === email.trim().toLowerCase())!;
    return { member };
  });

  api.on(endpoints.removeMember, async (ctx, { params }) => {
    await projects.removeMember(ctx.state.auth.user!, membershipOf(ctx).project, params.userId);
  });
}
