import type Router from "@koa/router";
import type { RouterMiddleware } from "@koa/router";
import { renderProjectYaml, type PlatformOptions } from "@babyhelm/sdk";
import { endpoints } from "@babyhelm/sdk/api";
import { contractRoutes } from "../http/contract-routes.js";
import { membershipOf, projectAccess } from "../http/project-access.js";
import type { PortalState } from "../http/state.js";
import { presentApp } from "../presenters/apps.js";
import { presentDeployment } from "../presenters/deployments.js";
import { presentProject, presentProjectSummary } from "../presenters/projects.js";
import { mayCreateProjects } from "../access/token-scope.js";
import { limitedToken } from "../errors.js";
import type { Deployments } from "../deployments/deployments.js";
import type { Projects } from "../services/projects/index.js";

/** A limited token cannot create projects: refused before its body is read. */
const refuseLimitedTokens: RouterMiddleware<PortalState> = async (ctx, next) => {
  if (!mayCreateProjects(ctx.state.auth.limits)) throw limitedToken("create projects");
  await next();
};

/**
 * Routes are relative to /api/projects (see app.ts). The bodies' shapes are the contract's; their values
 * are the ProjectSpec schema's to check, and `expiresAt` the clock's (services/projects/lifecycle.ts).
 */
export function projectRoutes(router: Router<PortalState>, projects: Projects, deployments: Deployments, platform: PlatformOptions): void {
  const api = contractRoutes(router, { project: projectAccess(projects) }, "/api/projects");

  api.on(endpoints.listProjects, async (ctx) => ({
    items: (await projects.listFor(ctx.state.auth.user!, ctx.state.auth.limits)).map(presentProjectSummary),
  }));

  api.on(
    endpoints.createProject,
    async (ctx, { body }) => {
      const project = await projects.create(ctx.state.auth.user!, body);
      return { project: { ...presentProject(project, "owner"), apps: [], lastDeployment: null } };
    },
    { before: [refuseLimitedTokens] },
  );

  api.on(endpoints.getProject, async (ctx) => {
    const { project, role } = membershipOf(ctx);
    const [apps, [last], spec] = await Promise.all([projects.apps(project), deployments.list(project, 1), projects.spec(project)]);
    return {
      project: {
        ...presentProject(project, role),
        usage: projects.usage(spec),
        apps: apps.map((app) => presentApp(app)),
        lastDeployment: last ? presentDeployment(last) : null,
      },
    };
  });

  api.on(endpoints.updateProject, async (ctx, { body }) => {
    const { project } = membershipOf(ctx);
    const updated = await projects.update(ctx.state.auth.user!, project, body);
    return { project: presentProject(updated, "owner") };
  });

  api.on(endpoints.deleteProject, async (ctx) => {
    const { project } = membershipOf(ctx);
    const deployment = await deployments.deleteProject(ctx.state.auth.user!, project);
    // A project that was never deployed is gone already; otherwise the destroy deployment removes it.
    return deployment ? { deployment: presentDeployment(deployment) } : { deployment: null, deleted: true as const };
  });

  api.on(endpoints.getProjectSpec, async (ctx) => {
    const { project } = membershipOf(ctx);
    return await projects.spec(project, "masked");
  });

  api.on(endpoints.getProjectManifests, async (ctx) => {
    const { project } = membershipOf(ctx);
    // Rendered from the real values, exactly as a deploy would create them, then masked.
    ctx.type = "text/yaml";
    ctx.body = await renderProjectYaml(await projects.spec(project, "plain"), { showSecrets: false, platform, secretChecksumKey: projects.secretChecksumKey(project) });
  });
}
