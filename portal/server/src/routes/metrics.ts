import type Router from "@koa/router";
import { appNameProblem } from "@babyhelm/sdk";
import { z } from "zod";
import { requireUser } from "../http/auth.js";
import { projectMembership } from "../http/project-access.js";
import type { AuthState, PortalState } from "../http/state.js";
import { parseInput } from "../http/validation.js";
import { invalidRequest } from "../errors.js";
import { PANELS } from "../metrics/panels.js";
import type { Metrics } from "../services/metrics.js";
import type { Projects } from "../services/projects/index.js";

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

/**
 * Runs `read` (a query for the namespace named in the URL) while the user's access to that project is
 * checked, and answers only once it is: the check costs as much as the portal's whole share of a chart's
 * latency. When the check fails the query is aborted, and this returns only once it has stopped, so the
 * caller's per-user slot covers it: nobody can keep Prometheus busy through projects they cannot read.
 */
async function whileCheckingAccess<T>(checkAccess: () => Promise<void>, read: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const answer = read(controller.signal);
  answer.catch(() => undefined);
  try {
    await checkAccess();
  } catch (error) {
    controller.abort();
    await answer.catch(() => undefined);
    throw error;
  }
  return answer;
}

/** Routes are relative to /api/projects (see app.ts). Every member may read a project's metrics. */
export function metricsRoutes(router: Router<PortalState>, projects: Projects, metrics: Metrics): void {
  // A limited token's project is checked by id, uncached (token-scope.ts); anyone else's membership is cached.
  const checkMember = async (auth: AuthState, name: string) => {
    if (auth.limits) await projectMembership(projects, auth, name, "viewer");
    else await projects.assertMember(auth.user!, name);
  };
  router.get("/:name/metrics", requireUser, async (ctx) => {
    const [user, name] = [ctx.state.auth.user!, ctx.params.name!];
    const input = parseInput(panelQuery, ctx.query);
    ctx.body = await metrics.forUser(user.id, () =>
      whileCheckingAccess(() => checkMember(ctx.state.auth, name), (signal) => metrics.panel(name, input, signal)),
    );
  });

  router.get("/:name/metrics/query", requireUser, async (ctx) => {
    // A repeated `query` is refused rather than picked from: a proxy and Prometheus could pick differently.
    if (Array.isArray(ctx.query.query)) throw invalidRequest([{ path: "query", message: "give exactly one query parameter" }]);
    const [user, name] = [ctx.state.auth.user!, ctx.params.name!];
    const input = parseInput(promqlQuery, ctx.query);
    const body = await metrics.forUser(user.id, () =>
      whileCheckingAccess(() => checkMember(ctx.state.auth, name), (signal) => metrics.query(name, input, signal)),
    );
    ctx.type = "application/json";
    ctx.body = body;
  });
}
