/** What the portal told a project's owners about its apps' health, and the webhook it tells: /api/projects/{name}/alerts, /webhook. */
import { z } from "zod";
import { projectParams, timestamp } from "./common.js";
import { endpoint } from "./endpoint.js";

export const HEALTH_ALERT_KINDS = ["degraded", "recovered"] as const;
/** pending: queued or being retried. suppressed: over the hourly limit of alerts, recorded but not sent. */
export const WEBHOOK_DELIVERY_STATUSES = ["pending", "delivered", "failed", "suppressed"] as const;
export type HealthAlertKind = (typeof HEALTH_ALERT_KINDS)[number];
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

export const healthAlert = z
  .strictObject({
    id: z.string(),
    app: z.string(),
    kind: z.enum(HEALTH_ALERT_KINDS),
    reason: z.string().nullable(),
    /** The newest deployment that had succeeded when the alert was made. */
    deploymentId: z.string().nullable(),
    /** Owners mailed (0 when rate-limited). */
    mailedTo: z.number(),
    /** null: the project had no webhook then. */
    webhook: z.strictObject({ status: z.enum(WEBHOOK_DELIVERY_STATUSES), attempts: z.number() }).nullable(),
    createdAt: timestamp,
  })
  .meta({ id: "HealthAlert" });
export type HealthAlert = z.infer<typeof healthAlert>;

/** Where alerts are POSTed. The secret is only in the answer to PUT. */
export const projectWebhook = z.strictObject({ url: z.string(), secret: z.string().optional() });
export type ProjectWebhook = z.infer<typeof projectWebhook>;

export function webhookUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "must be an absolute http or https URL, such as https://hooks.example.com/babyhelm";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "must be an http or https URL";
  if (url.username || url.password) return "must not carry a user or password: the signature proves the sender";
  if (value.length > 2000) return "must be at most 2000 characters long";
  return undefined;
}

export const listAlerts = endpoint({
  id: "listAlerts",
  method: "GET",
  path: "/api/projects/{name}/alerts",
  summary: "Health alerts about the project's apps, newest first, at most 50",
  access: { project: "viewer" },
  params: projectParams,
  responses: { 200: z.strictObject({ items: z.array(healthAlert) }) },
});

export const getWebhook = endpoint({
  id: "getWebhook",
  method: "GET",
  path: "/api/projects/{name}/webhook",
  summary: "Where the project's alerts are POSTed (null: nowhere)",
  access: { project: "owner" },
  params: projectParams,
  responses: { 200: z.strictObject({ webhook: projectWebhook.nullable() }) },
});

export const setWebhook = endpoint({
  id: "setWebhook",
  method: "PUT",
  path: "/api/projects/{name}/webhook",
  summary: "Set the webhook URL; answers a new signing secret, shown only here",
  access: { project: "owner" },
  params: projectParams,
  body: z.strictObject({
    url: z.string({ message: "is required: the URL alerts are POSTed to" }).superRefine((value, ctx) => {
      const problem = webhookUrlProblem(value);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
  }),
  responses: { 200: z.strictObject({ webhook: projectWebhook.required() }) },
});

export const deleteWebhook = endpoint({
  id: "deleteWebhook",
  method: "DELETE",
  path: "/api/projects/{name}/webhook",
  summary: "Stop POSTing alerts",
  access: { project: "owner" },
  params: projectParams,
  responses: { 204: null },
});
