import type Router from "@koa/router";
import { appNameProblem } from "@babyhelm/sdk";
import { z } from "zod";
import { requireUser } from "../http/auth.js";
import type { PortalState } from "../http/state.js";
import { parseInput } from "../http/validation.js";
import { invalidRequest } from "../errors.js";
import { PANELS } from "../metrics/panels.js";
import type { Metrics } from "../services/metrics.js";
import type { Projects } from "../services/projects.js";

const text = z.string({ message: "give it once" });

const panelQuery = z.strictObject({
  panel: z.enum(PANELS, { message: `must be one of ${PANELS.join(", ")}` }),
  app: text.superRefine((value, ctx) => {
    const problem = appNameProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  }).optional(),
  range: text.optional(),
  end: text.optional(),
  step: text.optional(),
});

const promqlQuery = z.strictObject({
  query: z.string({ message: "is required" }).min(1),
  start: text.optional(),
  end: text.optional(),
  step: text.optional(),
});

/** Routes are relative to /api/projects (see app.ts). Every member may read a project's metrics. */
export function metricsRoutes(router: Router<PortalState>, projects: Projects, metrics: Metrics): void {
  router.get("/:name/metrics", requireUser, async (ctx) => {
    const { project } = await projects.access(ctx.state.auth.user!, ctx.params.name!, "viewer");
    ctx.body = await metrics.panel(project, parseInput(panelQuery, ctx.query));
  });

  router.get("/:name/metrics/query", requireUser, async (ctx) => {
    const { project } = await projects.access(ctx.state.auth.user!, ctx.params.name!, "viewer");
    // A repeated `query` is refused rather than picked from: a proxy and Prometheus could pick differently.
    if (Array.isArray(ctx.query.query)) throw invalidRequest([{ path: "query", message: "give exactly one query parameter" }]);
    ctx.type = "application/json";
    ctx.body = await metrics.query(project, parseInput(promqlQuery, ctx.query));
  });
}
