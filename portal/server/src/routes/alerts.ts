import type Router from "@koa/router";
import { endpoints } from "@babyhelm/sdk/api";
import { contractRoutes } from "../http/contract-routes.js";
import { membershipOf, projectAccess } from "../http/project-access.js";
import type { PortalState } from "../http/state.js";
import { presentAlert } from "../presenters/alerts.js";
import { presentWebhook } from "../presenters/webhooks.js";
import type { HealthAlerts } from "../services/health-alerts.js";
import type { Projects } from "../services/projects/index.js";
import type { Webhooks } from "../services/webhooks.js";

/** Routes are relative to /api/projects (see app.ts). Every member sees the alerts; only owners set where they go. */
export function alertRoutes(router: Router<PortalState>, projects: Projects, webhooks: Webhooks, alerts: HealthAlerts): void {
  const api = contractRoutes(router, { project: projectAccess(projects) }, "/api/projects");
  api.on(endpoints.listAlerts, async (ctx) => ({ items: (await alerts.list(membershipOf(ctx).project.id)).map(presentAlert) }));

  api.on(endpoints.getWebhook, (ctx) => ({ webhook: presentWebhook(membershipOf(ctx).project) }));

  /** A new secret every time: the answer is the only place it is ever shown. */
  api.on(endpoints.setWebhook, async (ctx, { body }) => ({ webhook: await webhooks.set(ctx.state.auth.user!, membershipOf(ctx).project, body.url) }));

  api.on(endpoints.deleteWebhook, async (ctx) => {
    await webhooks.clear(ctx.state.auth.user!, membershipOf(ctx).project);
  });
}
