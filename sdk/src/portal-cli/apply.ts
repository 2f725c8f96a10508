/**
 * `babyhelm apply -f spec.yaml`: makes the portal's project match a spec file. It reads and checks the
 * file (the messages of `validate`), reads what the portal holds, prints the plan, one line per change and
 * never a secret value, and after --yes (or a yes at the terminal) sends the changes in the plan's order.
 */
import { endpoints, PortalApiError, type RequestOf } from "../api/index.js";
import { ProjectSpecError } from "../spec/errors.js";
import { parseProjectSpec, parseProjectSpecText } from "../spec/parse.js";
import type { ProjectSpec } from "../spec/schema.js";
import { parseCommandArgs } from "./args.js";
import { planApply, type ApplyStep } from "./apply-plan.js";
import type { CommandContext, Connection, PortalCommand } from "./context.js";
import { apiErrorLines, networkErrorLine } from "./context.js";
import { CommandFailed, EXIT_FAILED, EXIT_OK, UsageError } from "./errors.js";
import { collectSecretValues, parseSecretEnvFile, SECRET_PLACEHOLDER, secretValuesInSpec, type SecretValues } from "./secrets.js";
import { readSpecFile } from "./spec-file.js";

export const apply: PortalCommand = {
  name: "apply",
  synopsis: "babyhelm apply -f FILE [--prune] [--secret-env-file FILE] [--yes]",
  summary: "make the portal's project match a spec file (prints the plan first)",
  usage: `Usage: babyhelm apply -f FILE [--prune] [--secret-env-file FILE] [--yes]

Makes the portal's project match the spec in FILE (YAML or JSON; "-" reads standard input): creates the
project when it is missing, changes its display name, quota and monitoring when they differ, adds the
apps it lacks and changes those that differ. It prints the plan first, one line per change, and changes
nothing unless you confirm at the terminal or pass --yes. It does not deploy: run babyhelm deploy next.

  -f, --file FILE            the spec, checked with the messages of babyhelm validate
      --prune                also delete the project's apps that are not in FILE
      --secret-env-file FILE values of secret variables, one APP.KEY=value a line (# comments)
  -y, --yes                  apply the plan without asking (what CI needs)

Secret values never come from the spec file: there each secretEnv value must be "${SECRET_PLACEHOLDER}" (as the
portal's spec and an export's spec.yaml write it). A secret's value is taken from --secret-env-file
(web.API_KEY=...), else from the environment variable BABYHELM_SECRET_<APP>_<KEY> (app name upper-cased,
"-" as "_": BABYHELM_SECRET_WEB_API_KEY), else the portal keeps the value it has; a new secret needs one.
A value given is always sent (the portal never shows stored values to compare); secrets no longer in the
file are removed. The plan names secrets and where their values come from, never the values.
`,
  async run(args, context) {
    const { values } = parseCommandArgs(
      "apply",
      args,
      { file: { type: "string", short: "f" }, prune: { type: "boolean" }, "secret-env-file": { type: "string" }, yes: { type: "boolean", short: "y" } },
      [],
    );
    if (values.file === undefined) throw new UsageError("apply needs -f FILE (or -f - for standard input)", true);
    const source = values.file === "-" ? "<stdin>" : values.file;
    const spec = await readSpec(values.file, source, context);
    const secrets = await readSecrets(spec, values["secret-env-file"], context);

    const connection = await context.connect();
    const current = await portalSpec(connection, spec.name);
    const plan = planApply(spec, current, secrets, { prune: values.prune === true, source });
    if (plan.problems.length > 0) throw new CommandFailed(plan.problems.map((issue) => `${source}: ${issue.path}: ${issue.message}`));

    if (plan.steps.length === 0) {
      for (const note of plan.notes) context.out(`note: ${note}`);
      context.out(`Project ${spec.name} on ${connection.url} already matches ${source}: nothing to change.`);
      return EXIT_OK;
    }
    context.out(`Plan for project ${spec.name} on ${connection.url} (${count(plan.steps.length)}):`);
    for (const step of plan.steps) context.out(`  ${step.line}`);
    for (const note of plan.notes) context.out(`note: ${note}`);
    if (!values.yes) {
      if (!context.io.confirm) {
        throw new UsageError("apply changes nothing without --yes when it cannot ask (standard input is not a terminal): check the plan above, then run it again with --yes");
      }
      if (!(await context.io.confirm(`Apply ${count(plan.steps.length)} to ${spec.name}? [y/N] `))) {
        context.err("babyhelm apply: cancelled; nothing was changed.");
        return EXIT_FAILED;
      }
    }
    await runSteps(connection, spec.name, plan.steps);
    context.out(`Applied ${count(plan.steps.length)} to ${spec.name}. Deploy with: babyhelm deploy ${spec.name} --wait`);
    return EXIT_OK;
  },
};

const count = (changes: number) => (changes === 1 ? "1 change" : `${changes} changes`);

async function readSpec(file: string, source: string, context: CommandContext): Promise<ProjectSpec> {
  let spec: ProjectSpec;
  try {
    const text = file === "-" ? await context.io.readStdin() : await readSpecFile(context.path(file), file);
    spec = parseProjectSpecText(text, source);
  } catch (error) {
    if (error instanceof ProjectSpecError) throw new CommandFailed(error.issues.map((issue) => `${source}: ${issue.path}: ${issue.message}`));
    throw new CommandFailed([`babyhelm apply: ${(error as Error).message}`]);
  }
  const inFile = secretValuesInSpec(spec);
  if (inFile.length > 0) throw new CommandFailed(inFile.map((issue) => `${source}: ${issue.path}: ${issue.message}`));
  return spec;
}

async function readSecrets(spec: ProjectSpec, file: string | undefined, context: CommandContext): Promise<SecretValues> {
  let fromFile: SecretValues = new Map();
  if (file !== undefined) {
    let text: string;
    try {
      text = await readSpecFile(context.path(file), file);
    } catch (error) {
      throw new CommandFailed([`babyhelm apply: --secret-env-file: ${(error as Error).message}`]);
    }
    const parsed = parseSecretEnvFile(text, file);
    if (parsed.problems.length > 0) throw new CommandFailed(parsed.problems);
    fromFile = parsed.values;
  }
  const collected = collectSecretValues(spec, fromFile, context.env);
  if (collected.problems.length > 0) throw new CommandFailed(collected.problems);
  return collected.values;
}

/** The portal's spec of the project (secret values masked), or null when there is no such project. */
async function portalSpec(connection: Connection, name: string): Promise<ProjectSpec | null> {
  try {
    return parseProjectSpec(await connection.client.call(endpoints.getProjectSpec, { params: { name } }), `the portal's spec of ${name}`);
  } catch (error) {
    if (error instanceof PortalApiError && error.status === 404) return null;
    throw error;
  }
}

async function runSteps(connection: Connection, project: string, steps: ApplyStep[]): Promise<void> {
  const { client } = connection;
  for (const [index, step] of steps.entries()) {
    try {
      if (step.action === "createProject") await client.call(endpoints.createProject, { body: step.body as RequestOf<typeof endpoints.createProject>["body"] });
      else if (step.action === "updateProject") await client.call(endpoints.updateProject, { params: { name: project }, body: step.body });
      else if (step.action === "createApp") await client.call(endpoints.createApp, { params: { name: project }, body: step.body });
      else if (step.action === "updateApp") await client.call(endpoints.updateApp, { params: { name: project, app: step.app }, body: step.body });
      else await client.call(endpoints.deleteApp, { params: { name: project, app: step.app } });
    } catch (error) {
      const reason = error instanceof PortalApiError ? apiErrorLines(error, connection) : [networkErrorLine(error, connection) ?? (error as Error).message];
      throw new CommandFailed([
        `babyhelm apply: ${step.line}`,
        ...reason.map((line) => `  ${line}`),
        `${index === 0 ? "No change was" : `${count(index)} ${index === 1 ? "was" : "were"}`} made before it; fix the problem and run apply again (it plans from what the portal holds then).`,
      ]);
    }
  }
}
