import type Router from "@koa/router";
import { z } from "zod";
import type { DeploymentStreams } from "../deployments/streams.js";
import { membershipOf, projectAccess } from "../http/project-access.js";
import type { PortalState } from "../http/state.js";
import { presentDeployment } from "../presenters/deployments.js";
import { parseInput } from "../http/validation.js";
import type { Deployments } from "../deployments/deployments.js";
import type { DriftChecks } from "../deployments/drift.js";
import { isFinal } from "../deployments/deployments.js";
import type { Projects } from "../services/projects/index.js";

/** How long a request waits for its preview (or check) to finish before answering 202 with where to look. */
const WAIT_LIMIT_MS = 60_000;

const waitQuery = z.strictObject({
  wait: z
    .string()
    .regex(/^\d{1,2}$/, { message: "must be the number of seconds to wait for the result, 0 to 60" })
    .transform(Number)
    .refine((seconds) => seconds <= 60, { message: "must be the number of seconds to wait for the result, 0 to 60" })
    .optional(),
});

/**
 * Previews (what a deploy of the stored spec would do) and drift checks (what changed in the cluster
 * outside BabyHelm): engine runs in the project's queue that change nothing. Routes are relative to
 * /api/projects (see app.ts).
 */
export function previewRoutes(router: Router<PortalState>, projects: Projects, deployments: Deployments, drift: DriftChecks, streams: DeploymentStreams): void {
  const withProject = projectAccess(projects);
  /** 200 with the run once it has ended within `wait` seconds (default 60); 202 and its Location otherwise. */
  const answer = async (ctx: Parameters<Parameters<typeof router.post>[2]>[0], name: string, key: "preview" | "check", id: string, waitSeconds: number | undefined) => {
    const waitMs = (waitSeconds ?? WAIT_LIMIT_MS / 1000) * 1000;
    const deployment = waitMs > 0 ? await deployments.waitForEnd(streams, id, waitMs) : await deployments.latest(id);
    const done = deployment !== undefined && isFinal(deployment);
    ctx.status = done ? 200 : 202;
    if (!done) ctx.set("Location", `/api/projects/${name}/deployments/${id}`);
    ctx.body = { [key]: deployment ? presentDeployment(deployment) : null };
  };

  router.post("/:name/previews", withProject("developer"), async (ctx) => {
    const { project } = membershipOf(ctx);
    const { wait } = parseInput(waitQuery, ctx.query);
    parseInput(z.strictObject({}), ctx.request.body ?? {});
    const preview = await deployments.create(ctx.state.auth.user!, project, "preview");
    await answer(ctx, project.name, "preview", preview.id, wait);
  });

  router.get("/:name/drift", withProject("viewer"), async (ctx) => {
    const { project } = membershipOf(ctx);
    ctx.body = { drift: await drift.state(project) };
  });

  router.post("/:name/drift", withProject("developer"), async (ctx) => {
    const { project } = membershipOf(ctx);
    const { wait } = parseInput(waitQuery, ctx.query);
    parseInput(z.strictObject({}), ctx.request.body ?? {});
    const check = await drift.request(ctx.state.auth.user!, project);
    await answer(ctx, project.name, "check", check.id, wait ?? 0);
    if (ctx.status === 200) ctx.body = { ...(ctx.body as object), drift: await drift.state(project) };
  });
}
