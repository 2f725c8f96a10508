import type Router from "@koa/router";
import { z } from "zod";
import { membershipOf, projectAccess } from "../http/project-access.js";
import type { PortalState } from "../http/state.js";
import { presentApp } from "../presenters/apps.js";
import { parseInput } from "../http/validation.js";
import { notFound } from "../errors.js";
import type { Projects } from "../services/projects/index.js";

// The app fields of the ProjectSpec, checked by the SDK's schema with the rest of the project.
const appBody = z.record(z.string(), z.unknown());

/** Routes are relative to /api/projects (see app.ts). */
export function appRoutes(router: Router<PortalState>, projects: Projects): void {
  const withProject = projectAccess(projects);
  router.get("/:name/apps", withProject("viewer"), async (ctx) => {
    const { project } = membershipOf(ctx);
    ctx.body = { items: (await projects.apps(project)).map((app) => presentApp(app)) };
  });

  router.post("/:name/apps", withProject("developer"), async (ctx) => {
    const { project } = membershipOf(ctx);
    const app = await projects.addApp(ctx.state.auth.user!, project, parseInput(appBody, ctx.request.body) as never);
    ctx.status = 201;
    ctx.body = { app: presentApp(app) };
  });

  router.get("/:name/apps/:app", withProject("viewer"), async (ctx) => {
    const { project } = membershipOf(ctx);
    const app = (await projects.apps(project)).find((candidate) => candidate.name === ctx.params.app);
    if (!app) throw notFound(`App "${ctx.params.app}" in "${project.name}"`);
    ctx.body = { app: presentApp(app) };
  });

  router.patch("/:name/apps/:app", withProject("developer"), async (ctx) => {
    const { project } = membershipOf(ctx);
    const app = await projects.updateApp(ctx.state.auth.user!, project, ctx.params.app!, parseInput(appBody, ctx.request.body));
    ctx.body = { app: presentApp(app) };
  });

  router.delete("/:name/apps/:app", withProject("developer"), async (ctx) => {
    const { project } = membershipOf(ctx);
    await projects.removeApp(ctx.state.auth.user!, project, ctx.params.app!);
    ctx.status = 204;
  });
}
