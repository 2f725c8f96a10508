/** The queued half of a sign-up: creates the account and mails its confirmation link (or tells the address's owner). */
import type { Task } from "graphile-worker";
import { ACCOUNT_TASKS, type Accounts, type RegistrationRequest } from "../../services/accounts.js";
import { unseal, type Sealed } from "../sealed.js";

declare global {
  namespace GraphileWorker {
    interface Tasks {
      /** The request sealed with SECRETS_KEY (it holds the password's hash), opened when the job runs. */
      [ACCOUNT_TASKS.register]: Sealed<RegistrationRequest>;
    }
  }
}

export function accountRegisterTask(accounts: Accounts, secretsKey: Buffer): Task<typeof ACCOUNT_TASKS.register> {
  return async (payload) => accounts.completeRegistration(unseal(secretsKey, ACCOUNT_TASKS.register, payload));
}
