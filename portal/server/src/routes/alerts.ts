import type Router from "@koa/router";
import { z } from "zod";
import { membershipOf, projectAccess } from "../http/project-access.js";
import type { PortalState } from "../http/state.js";
import { presentAlert } from "../presenters/alerts.js";
import { presentWebhook } from "../presenters/webhooks.js";
import { parseInput } from "../http/validation.js";
import type { HealthAlerts } from "../services/health-alerts.js";
import type { Projects } from "../services/projects/index.js";
import { webhookUrlProblem, type Webhooks } from "../services/webhooks.js";

const webhookBody = z.strictObject({
  url: z.string({ message: "is required: the URL alerts are POSTed to" }).superRefine((value, ctx) => {
    const problem = webhookUrlProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  }),
});

/** Routes are relative to /api/projects (see app.ts). Every member sees the alerts; only owners set where they go. */
export function alertRoutes(router: Router<PortalState>, projects: Projects, webhooks: Webhooks, alerts: HealthAlerts): void {
  const withProject = projectAccess(projects);
  router.get("/:name/alerts", withProject("viewer"), async (ctx) => {
    const { project } = membershipOf(ctx);
    ctx.body = { items: (await alerts.list(project.id)).map(presentAlert) };
  });

  router.get("/:name/webhook", withProject("owner"), async (ctx) => {
    const { project } = membershipOf(ctx);
    ctx.body = { webhook: presentWebhook(project) };
  });

  /** A new secret every time: the answer is the only place it is ever shown. */
  router.put("/:name/webhook", withProject("owner"), async (ctx) => {
    const { project } = membershipOf(ctx);
    const { url } = parseInput(webhookBody, ctx.request.body);
    ctx.body = { webhook: await webhooks.set(ctx.state.auth.user!, project, url) };
  });

  router.delete("/:name/webhook", withProject("owner"), async (ctx) => {
    const { project } = membershipOf(ctx);
    await webhooks.clear(ctx.state.auth.user!, project);
    ctx.status = 204;
  });
}
