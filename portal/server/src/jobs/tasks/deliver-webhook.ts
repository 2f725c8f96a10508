/** The job that POSTs one health alert to its project's webhook, signed, with retries. */
import type { Task } from "graphile-worker";
import { DELIVER_WEBHOOK, type Webhooks } from "../../services/webhooks.js";

/** The alert's id only: the URL and signing secret are read when the job runs. */
export interface DeliverWebhookPayload {
  alertId: string;
}

declare global {
  namespace GraphileWorker {
    interface Tasks {
      [DELIVER_WEBHOOK]: DeliverWebhookPayload;
    }
  }
}

export function deliverWebhookTask(webhooks: Webhooks): Task<typeof DELIVER_WEBHOOK> {
  return async (payload, helpers) => webhooks.deliver(payload, helpers);
}
