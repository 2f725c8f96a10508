import type Router from "@koa/router";
import { z } from "zod";
import { membershipOf, projectAccess } from "../http/project-access.js";
import type { PortalState } from "../http/state.js";
import { presentMember } from "../presenters/members.js";
import { parseInput } from "../http/validation.js";
import type { Projects } from "../services/projects/index.js";
import { emailField } from "./fields.js";

const memberBody = z.strictObject({ email: emailField, role: z.enum(["owner", "developer", "viewer"], { message: "must be owner, developer or viewer" }) });

/** Routes are relative to /api/projects (see app.ts). */
export function memberRoutes(router: Router<PortalState>, projects: Projects): void {
  const withProject = projectAccess(projects);
  router.get("/:name/members", withProject("viewer"), async (ctx) => {
    const { project } = membershipOf(ctx);
    ctx.body = { items: (await projects.members(project)).map(presentMember) };
  });

  /** Adds a member (201), or changes a member's role (200). */
  router.post("/:name/members", withProject("owner"), async (ctx) => {
    const { project } = membershipOf(ctx);
    const { email, role } = parseInput(memberBody, ctx.request.body);
    const added = await projects.setMember(ctx.state.auth.user!, project, email, role);
    ctx.status = added ? 201 : 200;
    ctx.body = { member: (await projects.members(project)).map(presentMember).find((member) => member.email === email.trim().toLowerCase()) };
  });

  router.delete("/:name/members/:userId", withProject("owner"), async (ctx) => {
    const { project } = membershipOf(ctx);
    await projects.removeMember(ctx.state.auth.user!, project, ctx.params.userId!);
    ctx.status = 204;
  });
}
