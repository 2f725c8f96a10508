/** PostgreSQL NOTIFY channels of deployments: progress for live streams, and cancellations for runners. */
export const DEPLOYMENT_EVENTS_CHANNEL = "babyhelm_deployment_events";
export const DEPLOYMENT_CANCEL_CHANNEL = "babyhelm_deployment_cancel";
/** The graphile-worker task that runs a deployment. */
export const DEPLOY_TASK = "deploy";

/** One queue per project: its deployments run one at a time, while other projects' run in parallel. */
export function projectQueue(projectId: string): string {
  return `project:${projectId}`;
}

/** A deployment's job key: recovery finds the job of a deployment by it (graphile-worker's view has no payload). */
export const DEPLOYMENT_JOB_KEY_PREFIX = "deployment:";
export function deploymentJobKey(deploymentId: string): string {
  return `${DEPLOYMENT_JOB_KEY_PREFIX}${deploymentId}`;
}
