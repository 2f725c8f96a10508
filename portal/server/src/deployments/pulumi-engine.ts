/**
 * The real engine: the per-project program (stacks/project) as an Automation API inline program, one stack
 * per project, in a working directory of its own, with the spec as secret stack config so Pulumi encrypts
 * the secret values in state with the passphrase provider.
 */
import { accessSync, constants, mkdirSync, rmSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { LocalWorkspace, PulumiCommand, type EngineEvent, type OpMap } from "@pulumi/pulumi/automation/index.js";
import { buildProjectStack, readProjectConfig } from "@babyhelm/stack-project";
import { CLI_MISSING, type EngineMessage, type EngineRequest, type ProgressEvent } from "./protocol.js";

const PROJECT_NAME = "babyhelm-project";

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The CLI named by PULUMI_CLI_PATH, or `pulumi` on PATH; fails at once, naming the fix, when there is none. */
function findCli(cliPath: string | undefined): string {
  if (cliPath) {
    if (!executable(cliPath)) throw new Error(`${CLI_MISSING} (PULUMI_CLI_PATH=${cliPath} is not an executable file)`);
    return cliPath;
  }
  const found = (process.env.PATH ?? "").split(delimiter).map((dir) => join(dir, "pulumi")).find(executable);
  if (!found) throw new Error(CLI_MISSING);
  return found;
}

function progress(event: EngineEvent): ProgressEvent | undefined {
  const step = event.resourcePreEvent ?? event.resOutputsEvent ?? event.resOpFailedEvent;
  if (step) {
    const urn = step.metadata.urn;
    const status = event.resourcePreEvent ? "started" : event.resOutputsEvent ? "done" : "failed";
    return { kind: "resource", op: step.metadata.op, type: step.metadata.type, name: urn.slice(urn.lastIndexOf("::") + 2), status };
  }
  if (event.diagnosticEvent && !event.diagnosticEvent.ephemeral) {
    return { kind: "diagnostic", severity: event.diagnosticEvent.severity, message: event.diagnosticEvent.message.trim() };
  }
  if (event.summaryEvent) return { kind: "summary", changes: { ...(event.summaryEvent.resourceChanges as Record<string, number>) } };
  return undefined;
}

/**
 * Removes the lock a killed update leaves behind in a file:// backend, so the next run does not fail with
 * "the stack is currently locked". Other backends keep their locks; the error then says so.
 */
export function clearFileBackendLock(backendUrl: string | undefined, stack: string): void {
  if (!backendUrl?.startsWith("file://")) return;
  const root = fileURLToPath(backendUrl.replace(/^file:\/\/(?!\/)/, "file:///"));
  for (const lockDir of [join(root, ".pulumi", "locks", "organization", PROJECT_NAME, stack), join(root, ".pulumi", "locks", stack)]) {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

export async function runPulumiEngine(request: EngineRequest, send: (message: EngineMessage) => void, signal: AbortSignal): Promise<void> {
  const cli = findCli(request.pulumi.cliPath);
  const stackName = request.spec.name;
  mkdirSync(request.workDir, { recursive: true });
  if (request.pulumi.backendUrl?.startsWith("file://")) mkdirSync(fileURLToPath(request.pulumi.backendUrl.replace(/^file:\/\/(?!\/)/, "file:///")), { recursive: true });
  if (request.clearLock) clearFileBackendLock(request.pulumi.backendUrl, stackName);
  const envVars: Record<string, string> = {
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PATH: `${dirname(cli)}${delimiter}${process.env.PATH ?? ""}`,
    ...(request.pulumi.backendUrl ? { PULUMI_BACKEND_URL: request.pulumi.backendUrl } : {}),
    ...(request.pulumi.passphrase ? { PULUMI_CONFIG_PASSPHRASE: request.pulumi.passphrase } : {}),
    ...(request.pulumi.kubeconfig ? { KUBECONFIG: request.pulumi.kubeconfig } : {}),
  };
  const pulumiCommand = cli.endsWith(join("bin", "pulumi")) ? await PulumiCommand.get({ root: dirname(dirname(cli)) }) : await PulumiCommand.get();
  const stack = await LocalWorkspace.createOrSelectStack(
    // The same program `pulumi up` runs in stacks/project: the spec comes from this stack's config.
    { stackName, projectName: PROJECT_NAME, program: async () => buildProjectStack(readProjectConfig()) },
    {
      workDir: request.workDir,
      pulumiCommand,
      envVars,
      secretsProvider: "passphrase",
      projectSettings: { name: PROJECT_NAME, runtime: "nodejs", ...(request.pulumi.backendUrl ? { backend: { url: request.pulumi.backendUrl } } : {}) },
    },
  );
  await stack.setAllConfig({
    "babyhelm:spec": { value: JSON.stringify(request.spec), secret: true },
    ...(request.platform ? { "babyhelm:platform": { value: JSON.stringify(request.platform) } } : {}),
  });
  const hooks = {
    onEvent: (event: EngineEvent) => {
      const view = progress(event);
      if (view) send({ type: "event", event: view });
    },
    onOutput: (output: string) => {
      for (const line of output.split("\n")) if (line.trim()) send({ type: "output", line });
    },
    signal,
  };
  if (request.kind === "destroy") {
    const result = await stack.destroy(hooks);
    await stack.workspace.removeStack(stackName);
    send({ type: "result", summary: { ...(result.summary.resourceChanges as OpMap as Record<string, number>) }, outputs: {} });
  } else {
    const result = await stack.up(hooks);
    const outputs = Object.fromEntries(Object.entries(result.outputs).map(([key, output]) => [key, output.secret ? "[secret]" : output.value]));
    send({ type: "result", summary: { ...(result.summary.resourceChanges as OpMap as Record<string, number>) }, outputs });
  }
}
