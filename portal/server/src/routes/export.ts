import type Router from "@koa/router";
import type { PlatformOptions } from "@babyhelm/sdk";
import { endpoints } from "@babyhelm/sdk/api";
import { contractRoutes } from "../http/contract-routes.js";
import { membershipOf, projectAccess } from "../http/project-access.js";
import type { PortalState } from "../http/state.js";
import type { Projects } from "../services/projects/index.js";
import { exportArchive, projectExportFiles, repositoryVersions } from "../services/project-export.js";

/**
 * `GET /api/projects/:name/export` (owners): the project as a ready `pulumi up` repository, a tar.gz of
 * `<name>/` (services/project-export.ts). Secret values are never read for it: the spec is the masked one.
 * Routes are relative to /api/projects (see app.ts).
 */
export function exportRoutes(router: Router<PortalState>, projects: Projects, platform: PlatformOptions): void {
  const api = contractRoutes(router, { project: projectAccess(projects) }, "/api/projects");
  // Read once: they change only with a new portal release.
  const versions = repositoryVersions();

  api.on(endpoints.exportProject, async (ctx) => {
    const { project } = membershipOf(ctx);
    const spec = await projects.spec(project, "masked");
    const archive = await exportArchive(spec.name, projectExportFiles({ spec, platform, versions }), new Date());
    ctx.attachment(`${spec.name}.tar.gz`);
    ctx.type = "application/gzip";
    ctx.set("Cache-Control", "no-store");
    ctx.body = archive;
  });
}
