import type Router from "@koa/router";
import { renderProjectYaml, type PlatformOptions } from "@babyhelm/sdk";
import { z } from "zod";
import { requireUser } from "../http/auth.js";
import { membershipOf, projectAccess } from "../http/project-access.js";
import type { PortalState } from "../http/state.js";
import { presentApp } from "../presenters/apps.js";
import { presentDeployment } from "../presenters/deployments.js";
import { presentProject, presentProjectSummary } from "../presenters/projects.js";
import { parseInput } from "../http/validation.js";
import { EXPIRES_AT_FORMAT } from "../expiry/rules.js";
import { mayCreateProjects } from "../access/token-scope.js";
import { limitedToken } from "../errors.js";
import type { Deployments } from "../deployments/deployments.js";
import type { Projects } from "../services/projects/index.js";

// Shapes only; the ProjectSpec schema of the SDK checks the values, with the same messages as the CLI.
// `expiresAt` (a preview environment's end) is checked against the clock by the service (expiry/rules.ts).
const expiresAt = z.union([z.string().max(100), z.null()], { error: EXPIRES_AT_FORMAT }).optional();
const createBody = z.strictObject({
  name: z.string().max(100),
  displayName: z.string().max(200).optional(),
  quota: z.record(z.string(), z.unknown()).optional(),
  monitoring: z.record(z.string(), z.unknown()).optional(),
  expiresAt,
});
const updateBody = z
  .strictObject({
    displayName: z.string().max(200).nullable().optional(),
    quota: z.record(z.string(), z.unknown()).optional(),
    monitoring: z.record(z.string(), z.unknown()).optional(),
    expiresAt,
  })
  .refine((body) => Object.keys(body).length > 0, { message: "send at least one field to change: displayName, quota, monitoring, expiresAt" });

/** Routes are relative to /api/projects (see app.ts). */
export function projectRoutes(router: Router<PortalState>, projects: Projects, deployments: Deployments, platform: PlatformOptions): void {
  const withProject = projectAccess(projects);
  router.get("/", requireUser, async (ctx) => {
    ctx.body = { items: (await projects.listFor(ctx.state.auth.user!, ctx.state.auth.limits)).map(presentProjectSummary) };
  });

  router.post("/", requireUser, async (ctx) => {
    if (!mayCreateProjects(ctx.state.auth.limits)) throw limitedToken("create projects");
    const project = await projects.create(ctx.state.auth.user!, parseInput(createBody, ctx.request.body) as Parameters<Projects["create"]>[1]);
    ctx.status = 201;
    ctx.body = { project: { ...presentProject(project, "owner"), apps: [], lastDeployment: null } };
  });

  router.get("/:name", withProject("viewer"), async (ctx) => {
    const { project, role } = membershipOf(ctx);
    const [apps, [last], spec] = await Promise.all([projects.apps(project), deployments.list(project, 1), projects.spec(project)]);
    ctx.body = {
      project: {
        ...presentProject(project, role),
        usage: projects.usage(spec),
        apps: apps.map((app) => presentApp(app)),
        lastDeployment: last ? presentDeployment(last) : null,
      },
    };
  });

  router.patch("/:name", withProject("owner"), async (ctx) => {
    const { project } = membershipOf(ctx);
    const updated = await projects.update(ctx.state.auth.user!, project, parseInput(updateBody, ctx.request.body) as Parameters<Projects["update"]>[2]);
    ctx.body = { project: presentProject(updated, "owner") };
  });

  router.delete("/:name", withProject("owner"), async (ctx) => {
    const { project } = membershipOf(ctx);
    const deployment = await deployments.deleteProject(ctx.state.auth.user!, project);
    ctx.status = 202;
    // A project that was never deployed is gone already; otherwise the destroy deployment removes it.
    ctx.body = deployment ? { deployment: presentDeployment(deployment) } : { deployment: null, deleted: true };
  });

  router.get("/:name/spec", withProject("viewer"), async (ctx) => {
    const { project } = membershipOf(ctx);
    ctx.body = await projects.spec(project, "masked");
  });

  router.get("/:name/manifests", withProject("viewer"), async (ctx) => {
    const { project } = membershipOf(ctx);
    // Rendered from the real values, exactly as a deploy would create them, then masked.
    ctx.type = "text/yaml";
    ctx.body = await renderProjectYaml(await projects.spec(project, "plain"), { showSecrets: false, platform });
  });
}
