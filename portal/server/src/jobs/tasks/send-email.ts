/** The job that sends one queued mail: a slow or failing SMTP server never slows a request or loses a message. */
import type { Task } from "graphile-worker";
import type { Mailer } from "../../mail/mailer.js";
import type { MailMessage } from "../../mail/messages.js";
import { unseal, type Sealed } from "../sealed.js";
import { SEND_EMAIL } from "../worker.js";

declare global {
  namespace GraphileWorker {
    interface Tasks {
      /** The mail sealed with SECRETS_KEY (its links are one-time tokens), opened when it is sent. */
      [SEND_EMAIL]: Sealed<MailMessage>;
    }
  }
}

export function sendEmailTask(mailer: Mailer, secretsKey: Buffer): Task<typeof SEND_EMAIL> {
  return async (payload) => mailer.send(unseal(secretsKey, SEND_EMAIL, payload));
}
