/** The job that sends one queued mail: a slow or failing SMTP server never slows a request or loses a message. */
import type { Task } from "graphile-worker";
import type { Mailer } from "../../mail/mailer.js";
import type { MailMessage } from "../../mail/messages.js";
import { SEND_EMAIL } from "../worker.js";

declare global {
  namespace GraphileWorker {
    interface Tasks {
      [SEND_EMAIL]: MailMessage;
    }
  }
}

export function sendEmailTask(mailer: Mailer): Task<typeof SEND_EMAIL> {
  return async (payload) => mailer.send(payload);
}
