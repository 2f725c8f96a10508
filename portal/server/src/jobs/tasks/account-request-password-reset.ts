/** The queued half of a password reset request: mails a reset link when the address has an account. */
import type { Task } from "graphile-worker";
import { ACCOUNT_TASKS, type Accounts } from "../../services/accounts.js";

declare global {
  namespace GraphileWorker {
    interface Tasks {
      [ACCOUNT_TASKS.reset]: { email: string };
    }
  }
}

export function accountRequestPasswordResetTask(accounts: Accounts): Task<typeof ACCOUNT_TASKS.reset> {
  return async (payload) => accounts.completePasswordResetRequest(payload);
}
