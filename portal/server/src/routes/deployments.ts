import type Router from "@koa/router";
import { endpoints } from "@babyhelm/sdk/api";
import { deploymentEventStream } from "../deployments/event-stream.js";
import type { DeploymentStreams } from "../deployments/streams.js";
import { contractRoutes } from "../http/contract-routes.js";
import { membershipOf, projectAccess } from "../http/project-access.js";
import type { PortalState } from "../http/state.js";
import { presentDeployment } from "../presenters/deployments.js";
import type { DeploymentHistory } from "../deployments/history.js";
import type { Deployments } from "../deployments/deployments.js";
import type { Projects } from "../services/projects/index.js";

/** Routes are relative to /api/projects (see app.ts). */
export function deploymentRoutes(router: Router<PortalState>, projects: Projects, deployments: Deployments, history: DeploymentHistory, streams: DeploymentStreams): void {
  const api = contractRoutes(router, { project: projectAccess(projects) }, "/api/projects");

  api.on(endpoints.listDeployments, async (ctx, { query }) => {
    const { project } = membershipOf(ctx);
    return { items: (await deployments.list(project, 50, query.kind)).map((deployment) => presentDeployment(deployment)) };
  });

  api.on(endpoints.createDeployment, async (ctx, { body }) => {
    const { project } = membershipOf(ctx);
    const deployment = await deployments.create(ctx.state.auth.user!, project, "up", { refresh: body.refresh });
    return { deployment: presentDeployment(deployment) };
  });

  api.on(endpoints.getDeployment, async (ctx, { params }) => {
    const { project } = membershipOf(ctx);
    const deployment = await deployments.get(project, params.id);
    // The spec it deployed (secret values masked): the web app compares it with the spec now before a deploy.
    return { deployment: { ...presentDeployment(deployment), spec: deployment.spec, log: await deployments.log(deployment) } };
  });

  api.on(endpoints.getDeploymentSpec, async (ctx, { params }) => {
    const { project } = membershipOf(ctx);
    return await history.spec(project, params.id);
  });

  api.on(endpoints.getDeploymentDiff, async (ctx, { params, query }) => {
    const { project } = membershipOf(ctx);
    return await history.diff(project, params.id, query.from);
  });

  api.on(endpoints.rollbackDeployment, async (ctx, { params }) => {
    const { project } = membershipOf(ctx);
    return { deployment: presentDeployment(await history.rollback(ctx.state.auth.user!, project, params.id)) };
  });

  api.on(endpoints.cancelDeployment, async (ctx, { params }) => {
    const { project } = membershipOf(ctx);
    return { deployment: presentDeployment(await deployments.cancel(ctx.state.auth.user!, project, params.id)) };
  });

  /** Server-sent events, resumed after Last-Event-ID (deployments/event-stream.ts). */
  api.on(endpoints.deploymentEvents, async (ctx, { params }) => {
    const { project } = membershipOf(ctx);
    const deployment = await deployments.get(project, params.id);
    const { stream, close } = deploymentEventStream(deployments, streams, deployment, Number.parseInt(ctx.get("last-event-id"), 10) || 0);
    ctx.req.on("close", close);
    ctx.status = 200;
    ctx.set({ "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-store", "X-Accel-Buffering": "no" });
    ctx.body = stream;
  });
}
