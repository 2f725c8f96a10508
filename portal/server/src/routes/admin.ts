import type Router from "@koa/router";
import type { RouterMiddleware } from "@koa/router";
import { endpoints } from "@babyhelm/sdk/api";
import { AppError, limitedToken, notFound } from "../errors.js";
import { contractRoutes } from "../http/contract-routes.js";
import type { PortalState } from "../http/state.js";
import type { Accounts } from "../services/accounts.js";
import type { Projects } from "../services/projects/index.js";
import type { Database } from "../db/database.js";
import type { Upgrades } from "../deployments/upgrades.js";
import { presentUpgrade } from "../presenters/upgrades.js";

/** Platform administration: a user's limits, platform upgrades. Platform admins only. */
export function adminRoutes(router: Router<PortalState>, db: Database, accounts: Accounts, projects: Projects, upgrades: Upgrades): void {
  const requireAdmin: RouterMiddleware<PortalState> = async (ctx, next) => {
    if (!accounts.isAdmin(ctx.state.auth.user!)) throw new AppError(403, "forbidden", "Only platform admins can do this.");
    if (ctx.state.auth.limits) throw limitedToken("administer the platform");
    await next();
  };
  const target = async (id: string) => {
    const user = /^\d{1,18}$/.test(id) ? await db.models.User.query().findById(id) : undefined;
    if (!user) throw notFound(`User ${id}`);
    return user;
  };

  const api = contractRoutes(router, { admin: requireAdmin });
  api.on(endpoints.getUserLimits, async (_ctx, { params }) => ({ limits: await projects.limitsOf((await target(params.id)).id) }));

  api.on(endpoints.updateUserLimits, async (_ctx, { params, body: changes }) => {
    const user = await target(params.id);
    const current = await db.models.UserLimits.query().findById(user.id);
    const next = { maxProjects: current?.maxProjects ?? null, maxCpu: current?.maxCpu ?? null, maxMemory: current?.maxMemory ?? null, ...changes, updatedAt: new Date() };
    await db.models.UserLimits.query()
      .insert({ userId: user.id, ...next })
      .onConflict("userId")
      .merge();
    return { limits: await projects.limitsOf(user.id) };
  });

  /** What a redeploy would change per project (this portal's SDK and platform settings), and the rollouts so far. */
  api.on(endpoints.getUpgrades, async () => {
    const [plan, rollouts] = await Promise.all([upgrades.candidates(), upgrades.list()]);
    return { ...plan, rollouts: rollouts.map(presentUpgrade) };
  });

  api.on(endpoints.startUpgrade, async (ctx, { body }) => ({ upgrade: presentUpgrade(await upgrades.startRollout(ctx.state.auth.user!, body)) }));

  api.on(endpoints.getUpgrade, async (_ctx, { params }) => ({ upgrade: presentUpgrade(await upgrades.get(params.id)) }));
}
