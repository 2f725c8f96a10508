import type Router from "@koa/router";
import type { RouterMiddleware } from "@koa/router";
import { endpoints } from "@babyhelm/sdk/api";
import { requireUser } from "../http/auth.js";
import { contractRoutes, JsonText } from "../http/contract-routes.js";
import { projectMembership, type WithProject } from "../http/project-access.js";
import type { AuthState, PortalState } from "../http/state.js";
import { invalidRequest } from "../errors.js";
import type { Metrics } from "../services/metrics.js";
import type { Projects } from "../services/projects/index.js";

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

/**
 * The metrics endpoints' access rule, `{project: "viewer"}` (every member), is checked by their handlers
 * while the query already runs (whileCheckingAccess), not before it as withProject would: before the
 * request is parsed, a signed-in user is all that is required.
 */
const checkedWhileQuerying: WithProject = (minRole) => {
  if (minRole !== "viewer") throw new Error(`the metrics routes check membership (any role), not the ${minRole} role`);
  return requireUser;
};

/** A repeated `query` is refused rather than picked from: a proxy and Prometheus could pick differently. */
const oneQuery: RouterMiddleware<PortalState> = async (ctx, next) => {
  if (Array.isArray(ctx.query.query)) throw invalidRequest([{ path: "query", message: "give exactly one query parameter" }]);
  await next();
};

/** Routes are relative to /api/projects (see app.ts). Every member may read a project's metrics. */
export function metricsRoutes(router: Router<PortalState>, projects: Projects, metrics: Metrics): void {
  const api = contractRoutes(router, { project: checkedWhileQuerying }, "/api/projects");
  // A limited token's project is checked by id, uncached (token-scope.ts); anyone else's membership is cached.
  const checkMember = async (auth: AuthState, name: string) => {
    if (auth.limits) await projectMembership(projects, auth, name, "viewer");
    else await projects.assertMember(auth.user!, name);
  };

  api.on(endpoints.getMetricsPanel, async (ctx, { params: { name }, query }) =>
    metrics.forUser(ctx.state.auth.user!.id, () =>
      whileCheckingAccess(
        () => checkMember(ctx.state.auth, name),
        (signal) => metrics.panel(name, query, signal),
      ),
    ),
  );

  api.on(
    endpoints.queryMetrics,
    async (ctx, { params: { name }, query }) => {
      const body = await metrics.forUser(ctx.state.auth.user!.id, () =>
        whileCheckingAccess(
          () => checkMember(ctx.state.auth, name),
          (signal) => metrics.query(name, query, signal),
        ),
      );
      // Prometheus' own JSON, passed on as it came.
      return new JsonText(body);
    },
    { before: [oneQuery] },
  );
}
