import type Router from "@koa/router";
import type { RouterContext } from "@koa/router";
import { endpoints } from "@babyhelm/sdk/api";
import type { DeploymentStreams } from "../deployments/streams.js";
import { contractRoutes } from "../http/contract-routes.js";
import { membershipOf, projectAccess } from "../http/project-access.js";
import type { PortalState } from "../http/state.js";
import { presentDeployment } from "../presenters/deployments.js";
import type { Deployment } from "../models/Deployment.js";
import type { Deployments } from "../deployments/deployments.js";
import type { DriftChecks } from "../deployments/drift.js";
import { isFinal } from "../deployments/deployments.js";
import type { Projects } from "../services/projects/index.js";

/** How long a request waits for its preview (or check) to finish before answering 202 with where to look. */
const WAIT_LIMIT_MS = 60_000;

/**
 * Previews (what a deploy of the stored spec would do) and drift checks (what changed in the cluster
 * outside BabyHelm): engine runs in the project's queue that change nothing. Routes are relative to
 * /api/projects (see app.ts).
 */
export function previewRoutes(router: Router<PortalState>, projects: Projects, deployments: Deployments, drift: DriftChecks, streams: DeploymentStreams): void {
  const api = contractRoutes(router, { project: projectAccess(projects) }, "/api/projects");
  /**
   * The run once it has ended within `waitSeconds` (default 60): the answer is 200. Otherwise 202 with its
   * Location, and the run as it is then (none when it has gone).
   */
  const waitFor = async (ctx: RouterContext<PortalState>, name: string, id: string, waitSeconds: number | undefined): Promise<{ done: boolean; run: Deployment | undefined }> => {
    const waitMs = (waitSeconds ?? WAIT_LIMIT_MS / 1000) * 1000;
    const run = waitMs > 0 ? await deployments.waitForEnd(streams, id, waitMs) : await deployments.latest(id);
    const done = run !== undefined && isFinal(run);
    ctx.status = done ? 200 : 202;
    if (!done) ctx.set("Location", `/api/projects/${name}/deployments/${id}`);
    return { done, run };
  };

  api.on(endpoints.createPreview, async (ctx, { query }) => {
    const { project } = membershipOf(ctx);
    const preview = await deployments.create(ctx.state.auth.user!, project, "preview");
    const { run } = await waitFor(ctx, project.name, preview.id, query.wait);
    return { preview: run ? presentDeployment(run) : null };
  });

  api.on(endpoints.getDrift, async (ctx) => {
    const { project } = membershipOf(ctx);
    return { drift: await drift.state(project) };
  });

  api.on(endpoints.checkDrift, async (ctx, { query }) => {
    const { project } = membershipOf(ctx);
    const check = await drift.request(ctx.state.auth.user!, project);
    const { done, run } = await waitFor(ctx, project.name, check.id, query.wait ?? 0);
    if (done && run) return { check: presentDeployment(run), drift: await drift.state(project) };
    return { check: run ? presentDeployment(run) : null };
  });
}
