/** The queued half of a sign-up: creates the account and mails its confirmation link (or tells the address's owner). */
import type { Task } from "graphile-worker";
import { ACCOUNT_TASKS, type Accounts, type RegistrationRequest } from "../../services/accounts.js";

declare global {
  namespace GraphileWorker {
    interface Tasks {
      [ACCOUNT_TASKS.register]: RegistrationRequest;
    }
  }
}

export function accountRegisterTask(accounts: Accounts): Task<typeof ACCOUNT_TASKS.register> {
  return async (payload) => accounts.completeRegistration(payload);
}
