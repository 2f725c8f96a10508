/** The job that runs one deployment, in its project's queue of the deployments' job schema. */
import type { Task } from "graphile-worker";
import { DEPLOY_TASK } from "../../deployments/channels.js";
import type { DeploymentRunner } from "../../deployments/runner.js";

/** The deployment's id only: the run reads the spec (and decrypts its secret values) when it starts. */
export interface DeployPayload {
  deploymentId: string;
}

declare global {
  namespace GraphileWorker {
    interface Tasks {
      [DEPLOY_TASK]: DeployPayload;
    }
  }
}

export function deployTask(runner: DeploymentRunner): Task<typeof DEPLOY_TASK> {
  return async (payload, helpers) => runner.run(payload, helpers);
}
