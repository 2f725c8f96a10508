import type Router from "@koa/router";
import { endpoints } from "@babyhelm/sdk/api";
import { contractRoutes } from "../http/contract-routes.js";
import { membershipOf, projectAccess } from "../http/project-access.js";
import type { PortalState } from "../http/state.js";
import { presentApp } from "../presenters/apps.js";
import { notFound } from "../errors.js";
import type { Projects } from "../services/projects/index.js";

/**
 * Routes are relative to /api/projects (see app.ts). An app's body is the app fields of the ProjectSpec,
 * checked by the SDK's schema with the rest of the project (services/projects/apps.ts).
 */
export function appRoutes(router: Router<PortalState>, projects: Projects): void {
  const api = contractRoutes(router, { project: projectAccess(projects) }, "/api/projects");

  api.on(endpoints.listApps, async (ctx) => {
    const { project } = membershipOf(ctx);
    return { items: (await projects.apps(project)).map((app) => presentApp(app)) };
  });

  api.on(endpoints.createApp, async (ctx, { body }) => {
    const { project } = membershipOf(ctx);
    return { app: presentApp(await projects.addApp(ctx.state.auth.user!, project, body)) };
  });

  api.on(endpoints.getApp, async (ctx, { params }) => {
    const { project } = membershipOf(ctx);
    const app = (await projects.apps(project)).find((candidate) => candidate.name === params.app);
    if (!app) throw notFound(`App "${params.app}" in "${project.name}"`);
    return { app: presentApp(app) };
  });

  api.on(endpoints.updateApp, async (ctx, { params, body }) => {
    const { project } = membershipOf(ctx);
    return { app: presentApp(await projects.updateApp(ctx.state.auth.user!, project, params.app, body)) };
  });

  api.on(endpoints.deleteApp, async (ctx, { params }) => {
    const { project } = membershipOf(ctx);
    await projects.removeApp(ctx.state.auth.user!, project, params.app);
  });
}
