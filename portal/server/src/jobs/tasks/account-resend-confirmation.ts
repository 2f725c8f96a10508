/** The queued half of "send the confirmation link again": mails it when the address has an unconfirmed account. */
import type { Task } from "graphile-worker";
import { ACCOUNT_TASKS, type Accounts } from "../../services/accounts.js";

declare global {
  namespace GraphileWorker {
    interface Tasks {
      [ACCOUNT_TASKS.resend]: { email: string };
    }
  }
}

export function accountResendConfirmationTask(accounts: Accounts): Task<typeof ACCOUNT_TASKS.resend> {
  return async (payload) => accounts.completeResend(payload);
}
