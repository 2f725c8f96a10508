import { PassThrough } from "node:stream";
import type Router from "@koa/router";
import { endpoints } from "@babyhelm/sdk/api";
import type { DeploymentStreams } from "../deployments/streams.js";
import { contractRoutes } from "../http/contract-routes.js";
import { membershipOf, projectAccess } from "../http/project-access.js";
import type { PortalState } from "../http/state.js";
import { presentDeployment } from "../presenters/deployments.js";
import type { DeploymentHistory } from "../deployments/history.js";
import { isFinal, type Deployments } from "../deployments/deployments.js";
import type { Projects } from "../services/projects/index.js";

const KEEPALIVE_MS = 15_000;

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

  /**
   * Server-sent events: every stored progress event (`progress`, `output`), then new ones as they are
   * stored, the deployment's `status` whenever it changes, and `end` when it has finished. Resumes after
   * Last-Event-ID.
   */
  api.on(endpoints.deploymentEvents, async (ctx, { params }) => {
    const { project } = membershipOf(ctx);
    const deployment = await deployments.get(project, params.id);
    const stream = new PassThrough();
    let sequence = Number.parseInt(ctx.get("last-event-id"), 10) || 0;
    let lastStatus = "";
    let closed = false;
    let pumping: Promise<void> = Promise.resolve();
    const write = (text: string) => !closed && stream.write(text);
    const close = () => {
      if (closed) return;
      closed = true;
      clearInterval(keepalive);
      unsubscribe();
      stream.end();
    };
    const pump = () => {
      pumping = pumping
        .then(async () => {
          if (closed) return;
          for (let events = await deployments.eventsAfter(deployment.id, sequence); events.length > 0; events = await deployments.eventsAfter(deployment.id, sequence)) {
            for (const event of events) write(`id: ${event.sequence}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`);
            sequence = events.at(-1)!.sequence;
          }
          const current = await deployments.latest(deployment.id);
          if (!current) return close();
          if (current.status !== lastStatus) {
            lastStatus = current.status;
            write(`event: status\ndata: ${JSON.stringify(presentDeployment(current))}\n\n`);
          }
          if (isFinal(current)) {
            write(`event: end\ndata: ${JSON.stringify({ status: current.status })}\n\n`);
            close();
          }
        })
        .catch(() => close());
    };
    const unsubscribe = streams.subscribe(deployment.id, pump, close);
    const keepalive = setInterval(() => write(": keep-alive\n\n"), KEEPALIVE_MS);
    ctx.req.on("close", close);
    ctx.status = 200;
    ctx.set({ "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-store", "X-Accel-Buffering": "no" });
    ctx.body = stream;
    write("retry: 2000\n\n");
    pump();
  });
}
