/**
 * `babyhelm deploy`: queues a deployment of the project's stored spec and, with --wait, follows its
 * events to the end: progress on standard error, the outcome on standard output (success, exit 0) or
 * standard error (failed or cancelled, exit 1).
 */
import { endpoints, followDeployment, PortalApiError, type DeploymentStatus, type DeploymentSummary } from "../api/index.js";
import { parseCommandArgs } from "./args.js";
import type { CommandContext, Connection, PortalCommand } from "./context.js";
import { networkErrorLine } from "./context.js";
import { CommandFailed, EXIT_FAILED, EXIT_OK } from "./errors.js";
import { changesText } from "./format.js";

export const deploy: PortalCommand = {
  name: "deploy",
  synopsis: "babyhelm deploy PROJECT [--wait]",
  summary: "deploy the project's stored spec; --wait follows it to the end",
  usage: `Usage: babyhelm deploy PROJECT [--wait]

Queues a deployment of what the portal holds for PROJECT (change it first with apply or set-image).
  --wait   follow the deployment: its progress on standard error, then its outcome; exit status 0 only
           when it succeeded, 1 when it failed or was cancelled
`,
  async run(args, context) {
    const { values, named } = parseCommandArgs("deploy", args, { wait: { type: "boolean" } }, ["PROJECT"]);
    const connection = await context.connect();
    const deployment = await startDeployment(connection, named.PROJECT, context);
    return values.wait ? await waitForDeployment(connection, named.PROJECT, deployment, context) : EXIT_OK;
  },
};

export async function startDeployment(connection: Connection, project: string, context: CommandContext): Promise<DeploymentSummary> {
  const { deployment } = await connection.client.call(endpoints.createDeployment, { params: { name: project }, body: {} });
  context.out(`Deployment #${deployment.id} of ${project} is ${deployment.status}.`);
  return deployment;
}

/** Follows a deployment to its end; 0 when it succeeded, 1 otherwise. */
export async function waitForDeployment(connection: Connection, project: string, started: DeploymentSummary, context: CommandContext): Promise<number> {
  let latest: DeploymentSummary = started;
  let status: DeploymentStatus | undefined;
  let ended = false;
  try {
    for await (const event of followDeployment({ ...connection.transport, project, id: started.id })) {
      if (event.type === "output") context.err(event.line);
      else if (event.type === "progress" && event.progress.kind === "diagnostic") context.err(`${event.progress.severity}: ${event.progress.message}`);
      else if (event.type === "status") {
        latest = event.deployment;
        // The last status is said by the outcome line below.
        if (latest.status !== status && latest.status === "running") context.err(`babyhelm: deployment #${latest.id} is running`);
        status = latest.status;
      } else if (event.type === "end") {
        ended = true;
        if (latest.status !== event.status) latest = { ...latest, status: event.status };
      }
    }
  } catch (error) {
    if (error instanceof PortalApiError) throw error;
    const reason = networkErrorLine(error, connection) ?? (error as Error).message;
    throw new CommandFailed([`babyhelm: lost the events of deployment #${started.id} (${reason}); it goes on on the portal: see babyhelm status ${project}`]);
  }
  if (!ended) throw new CommandFailed([`babyhelm: the events of deployment #${started.id} stopped before it ended; see babyhelm status ${project}`]);
  if (latest.status === "succeeded") {
    context.out(`Deployment #${latest.id} of ${project} succeeded (${changesText(latest.summary)}).`);
    return EXIT_OK;
  }
  // The stream's last status carries the error; should it have been missed, the record has it.
  if (!latest.error) latest = (await connection.client.call(endpoints.getDeployment, { params: { name: project, id: latest.id } })).deployment;
  context.err(`babyhelm: deployment #${latest.id} of ${project} ${latest.status}${latest.error ? `: ${latest.error}` : ""}`);
  context.err(`Its log is on the portal's project page (GET /api/projects/${project}/deployments/${latest.id}).`);
  return EXIT_FAILED;
}
