import { PassThrough } from "node:stream";
import type Router from "@koa/router";
import { z } from "zod";
import type { DeploymentStreams } from "../deployments/streams.js";
import { membershipOf, projectAccess } from "../http/project-access.js";
import type { PortalState } from "../http/state.js";
import { presentDeployment } from "../presenters/deployments.js";
import { parseInput } from "../http/validation.js";
import type { DeploymentKind } from "../models/Deployment.js";
import type { DeploymentHistory } from "../deployments/history.js";
import { isFinal, type Deployments } from "../deployments/deployments.js";
import type { Projects } from "../services/projects/index.js";

const createBody = z.strictObject({
  // Read every object back from the cluster first, so changes made outside BabyHelm (drift) are put back.
  refresh: z.boolean().optional(),
});
const listQuery = z.strictObject({
  kind: z
    .string()
    .regex(/^(up|destroy|preview|drift)(,(up|destroy|preview|drift))*$/, { message: "must be one or more of up, destroy, preview, drift, separated by commas" })
    .optional(),
});
const diffQuery = z.strictObject({ from: z.string().regex(/^\d{1,18}$/, { message: "must be a deployment id" }).optional() });
const KEEPALIVE_MS = 15_000;

/** Routes are relative to /api/projects (see app.ts). */
export function deploymentRoutes(router: Router<PortalState>, projects: Projects, deployments: Deployments, history: DeploymentHistory, streams: DeploymentStreams): void {
  const withProject = projectAccess(projects);
  router.get("/:name/deployments", withProject("viewer"), async (ctx) => {
    const { project } = membershipOf(ctx);
    const { kind } = parseInput(listQuery, ctx.query);
    const kinds = kind ? (kind.split(",") as DeploymentKind[]) : undefined;
    ctx.body = { items: (await deployments.list(project, 50, kinds)).map((deployment) => presentDeployment(deployment)) };
  });

  router.post("/:name/deployments", withProject("developer"), async (ctx) => {
    const { project } = membershipOf(ctx);
    const { refresh } = parseInput(createBody, ctx.request.body ?? {});
    const deployment = await deployments.create(ctx.state.auth.user!, project, "up", { refresh });
    ctx.status = 202;
    ctx.body = { deployment: presentDeployment(deployment) };
  });

  router.get("/:name/deployments/:id", withProject("viewer"), async (ctx) => {
    const { project } = membershipOf(ctx);
    const deployment = await deployments.get(project, ctx.params.id!);
    // The spec it deployed (secret values masked): the web app compares it with the spec now before a deploy.
    ctx.body = { deployment: { ...presentDeployment(deployment), spec: deployment.spec, log: await deployments.log(deployment) } };
  });

  router.get("/:name/deployments/:id/spec", withProject("viewer"), async (ctx) => {
    const { project } = membershipOf(ctx);
    ctx.body = await history.spec(project, ctx.params.id!);
  });

  router.get("/:name/deployments/:id/diff", withProject("viewer"), async (ctx) => {
    const { project } = membershipOf(ctx);
    const { from } = parseInput(diffQuery, ctx.query);
    ctx.body = await history.diff(project, ctx.params.id!, from);
  });

  router.post("/:name/deployments/:id/rollback", withProject("developer"), async (ctx) => {
    const { project } = membershipOf(ctx);
    parseInput(z.strictObject({}), ctx.request.body ?? {});
    const deployment = await history.rollback(ctx.state.auth.user!, project, ctx.params.id!);
    ctx.status = 202;
    ctx.body = { deployment: presentDeployment(deployment) };
  });

  router.post("/:name/deployments/:id/cancel", withProject("developer"), async (ctx) => {
    const { project } = membershipOf(ctx);
    const deployment = await deployments.cancel(ctx.state.auth.user!, project, ctx.params.id!);
    ctx.status = 202;
    ctx.body = { deployment: presentDeployment(deployment) };
  });

  /**
   * Server-sent events: every stored progress event (`progress`, `output`), then new ones as they are
   * stored, the deployment's `status` whenever it changes, and `end` when it has finished. Resumes after
   * Last-Event-ID.
   */
  router.get("/:name/deployments/:id/events", withProject("viewer"), async (ctx) => {
    const { project } = membershipOf(ctx);
    const deployment = await deployments.get(project, ctx.params.id!);
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
      pumping = pumping.then(async () => {
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
      }).catch(() => close());
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
