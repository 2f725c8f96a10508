import type Router from "@koa/router";
import type { Middleware } from "koa";
import { cpuProblem, memoryProblem } from "@babyhelm/sdk";
import { z } from "zod";
import { AppError, limitedToken, notFound } from "../errors.js";
import { requireUser } from "../http/auth.js";
import type { PortalState } from "../http/state.js";
import { parseInput } from "../http/validation.js";
import type { Accounts } from "../services/accounts.js";
import type { Projects } from "../services/projects/index.js";
import type { Database } from "../db/database.js";
import { MAX_UPGRADE_CONCURRENCY, type Upgrades } from "../deployments/upgrades.js";
import { presentUpgrade } from "../presenters/upgrades.js";

const quantity = (problem: (value: string) => string | undefined) =>
  z.string().superRefine((value, ctx) => {
    const message = problem(value);
    if (message) ctx.addIssue({ code: "custom", message });
  });
const limitsBody = z
  .strictObject({
    maxProjects: z.number().int().min(0).max(1000).nullable().optional(),
    maxCpu: quantity(cpuProblem).nullable().optional(),
    maxMemory: quantity(memoryProblem).nullable().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: "send at least one of maxProjects, maxCpu, maxMemory (null restores the default)" });

const rolloutBody = z.strictObject({
  projects: z.array(z.string().max(100), { message: "must be a list of project names" }).max(1000).optional(),
  canary: z.string().max(100).optional(),
  concurrency: z
    .number({ message: "must be a whole number" })
    .int({ message: "must be a whole number" })
    .min(1, { message: "must be at least 1" })
    .max(MAX_UPGRADE_CONCURRENCY, { message: `must be at most ${MAX_UPGRADE_CONCURRENCY}` })
    .optional(),
});

/** Platform administration: a user's limits, platform upgrades. Platform admins only. */
export function adminRoutes(router: Router<PortalState>, db: Database, accounts: Accounts, projects: Projects, upgrades: Upgrades): void {
  const requireAdmin: Middleware<PortalState> = async (ctx, next) => {
    if (!accounts.isAdmin(ctx.state.auth.user!)) throw new AppError(403, "forbidden", "Only platform admins can do this.");
    if (ctx.state.auth.limits) throw limitedToken("administer the platform");
    await next();
  };
  const target = async (id: string) => {
    const user = /^\d{1,18}$/.test(id) ? await db.models.User.query().findById(id) : undefined;
    if (!user) throw notFound(`User ${id}`);
    return user;
  };

  router.get("/api/admin/users/:id/limits", requireUser, requireAdmin, async (ctx) => {
    const user = await target(ctx.params.id!);
    ctx.body = { limits: await projects.limitsOf(user.id) };
  });

  router.patch("/api/admin/users/:id/limits", requireUser, requireAdmin, async (ctx) => {
    const user = await target(ctx.params.id!);
    const changes = parseInput(limitsBody, ctx.request.body);
    const current = await db.models.UserLimits.query().findById(user.id);
    const next = { maxProjects: current?.maxProjects ?? null, maxCpu: current?.maxCpu ?? null, maxMemory: current?.maxMemory ?? null, ...changes, updatedAt: new Date() };
    await db.models.UserLimits.query().insert({ userId: user.id, ...next }).onConflict("userId").merge();
    ctx.body = { limits: await projects.limitsOf(user.id) };
  });

  /** What a redeploy would change per project (this portal's SDK and platform settings), and the rollouts so far. */
  router.get("/api/admin/upgrades", requireUser, requireAdmin, async (ctx) => {
    const [plan, rollouts] = await Promise.all([upgrades.candidates(), upgrades.list()]);
    ctx.body = { ...plan, rollouts: rollouts.map(presentUpgrade) };
  });

  router.post("/api/admin/upgrades", requireUser, requireAdmin, async (ctx) => {
    const upgrade = await upgrades.startRollout(ctx.state.auth.user!, parseInput(rolloutBody, ctx.request.body ?? {}));
    ctx.status = 202;
    ctx.body = { upgrade: presentUpgrade(upgrade) };
  });

  router.get("/api/admin/upgrades/:id", requireUser, requireAdmin, async (ctx) => {
    ctx.body = { upgrade: presentUpgrade(await upgrades.get(ctx.params.id!)) };
  });
}
