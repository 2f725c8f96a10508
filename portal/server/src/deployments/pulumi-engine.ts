/**
 * The real engine: the per-project program (stacks/project) as an Automation API inline program, one stack
 * per project, in a working directory of its own. The spec reaches the program through its closure, never
 * through `pulumi config set`: the CLI takes config values on its command line, which every local user can
 * read in `ps`, and repeats them in its error messages. The SDK marks secret values as Pulumi secrets, so
 * they are encrypted in state with the passphrase provider.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { basename, delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CommandError, ConcurrentUpdateError, LocalWorkspace, PulumiCommand, type EngineEvent, type OpMap } from "@pulumi/pulumi/automation/index.js";
import { createProjectProgram } from "@babyhelm/stack-project";
import { pulumiHome } from "../../../../toolchain/tools.mjs";
import { PlanCollector } from "./plan.js";
import { findPulumiCli } from "./pulumi-cli.js";
import { type EngineMessage, type EngineRequest, type ProgressEvent } from "./protocol.js";

const PROJECT_NAME = "babyhelm-project";

/**
 * Automation API only runs a CLI found at `<root>/bin/pulumi`; a CLI anywhere else (a versioned file name,
 * a wrapper) is linked into that layout inside the stack's working directory.
 */
function cliRoot(cli: string, workDir: string): string {
  if (basename(cli) === "pulumi" && basename(dirname(cli)) === "bin") return dirname(dirname(cli));
  const root = join(workDir, ".pulumi-cli");
  mkdirSync(join(root, "bin"), { recursive: true });
  rmSync(join(root, "bin", "pulumi"), { force: true });
  symlinkSync(cli, join(root, "bin", "pulumi"));
  return root;
}

/**
 * What a person is told when the CLI fails: its own `error:` lines, never Automation API's message, which
 * repeats the whole command line and every environment-derived detail.
 */
export function describeEngineError(error: unknown): string {
  if (error instanceof ConcurrentUpdateError) {
    return "The stack is locked by another update. Wait for it to finish, or cancel it, then deploy again.";
  }
  if (error instanceof CommandError) {
    // `commandResult` is private in the typings but is the only structured view of what the CLI said.
    const result = (error as unknown as { commandResult: { stderr: string; code: number } }).commandResult;
    const lines = result.stderr
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean);
    const errors = lines.filter((line) => line.startsWith("error:"));
    const shown = (errors.length > 0 ? errors : lines.slice(-3)).slice(0, 5).join("\n");
    return shown ? `pulumi failed: ${shown}` : `pulumi failed with exit code ${result.code}`;
  }
  return error instanceof Error ? error.message : String(error);
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

/**
 * The run's own temp dir inside the stack's working directory (mode 0700). The Kubernetes provider writes a
 * copy of the kubeconfig, credentials included, to the temp dir on every run and never removes it: in the
 * system temp dir those copies pile up for every local user to find. A dir left by a killed run is removed
 * by the project's next run (its runs never overlap).
 */
function runTempDir(workDir: string): string {
  for (const entry of readdirSync(workDir)) if (entry.startsWith(".tmp-")) rmSync(join(workDir, entry), { recursive: true, force: true });
  return mkdtempSync(join(workDir, ".tmp-"));
}

export async function runPulumiEngine(request: EngineRequest, send: (message: EngineMessage) => void, signal: AbortSignal): Promise<void> {
  mkdirSync(request.workDir, { recursive: true });
  const temp = runTempDir(request.workDir);
  try {
    await runPulumi(request, send, signal, temp);
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

async function runPulumi(request: EngineRequest, send: (message: EngineMessage) => void, signal: AbortSignal, temp: string): Promise<void> {
  const cli = findPulumiCli(request.pulumi, process.env.PATH);
  const pulumiHomeDir = request.pulumi.home ?? (cli.fromToolchain ? pulumiHome({ BABYHELM_TOOLCHAIN_HOME: request.pulumi.toolchainHome }) : undefined);
  const stackName = request.spec.name;
  if (request.pulumi.backendUrl?.startsWith("file://")) mkdirSync(fileURLToPath(request.pulumi.backendUrl.replace(/^file:\/\/(?!\/)/, "file:///")), { recursive: true });
  if (request.clearLock) clearFileBackendLock(request.pulumi.backendUrl, stackName);
  const envVars: Record<string, string> = {
    PULUMI_SKIP_UPDATE_CHECK: "true",
    // Plugins are installed ahead (the toolchain installs the Kubernetes provider): a missing one fails at
    // once, naming itself, instead of a download attempt at deploy time.
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    // The portal owns the fields it sets: a field changed outside BabyHelm (kubectl edit, another
    // controller) is taken back by the next deploy instead of failing it with a Server-Side Apply conflict,
    // and a drift check's preview shows the change it would undo instead of that conflict.
    PULUMI_K8S_ENABLE_PATCH_FORCE: "true",
    TMPDIR: temp,
    PATH: `${dirname(cli.path)}${delimiter}${process.env.PATH ?? ""}`,
    ...(pulumiHomeDir ? { PULUMI_HOME: pulumiHomeDir } : {}),
    ...(request.pulumi.backendUrl ? { PULUMI_BACKEND_URL: request.pulumi.backendUrl } : {}),
    ...(request.pulumi.passphrase ? { PULUMI_CONFIG_PASSPHRASE: request.pulumi.passphrase } : {}),
    ...(request.pulumi.kubeconfig ? { KUBECONFIG: request.pulumi.kubeconfig } : {}),
  };
  const pulumiCommand = await PulumiCommand.get({ root: cliRoot(cli.path, request.workDir) });
  send({ type: "stack" });
  const stack = await LocalWorkspace.createOrSelectStack(
    // The same program `pulumi up` runs in stacks/project, given the spec directly.
    { stackName, projectName: PROJECT_NAME, program: createProjectProgram({ spec: request.spec, platform: request.platform, secretChecksumKey: request.secretChecksumKey }) },
    {
      workDir: request.workDir,
      pulumiCommand,
      envVars,
      secretsProvider: "passphrase",
      projectSettings: { name: PROJECT_NAME, runtime: "nodejs", ...(request.pulumi.backendUrl ? { backend: { url: request.pulumi.backendUrl } } : {}) },
    },
  );
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
  if (request.kind === "preview" || request.kind === "drift") {
    const plan = new PlanCollector();
    const result = await stack.preview({
      ...hooks,
      onEvent: (event: EngineEvent) => {
        hooks.onEvent(event);
        plan.add(event);
      },
      // A drift check reads every object back from the cluster first: what differs then was changed outside BabyHelm.
      refresh: request.kind === "drift",
    });
    if (request.removeStackAfter) await stack.workspace.removeStack(stackName);
    send({ type: "result", summary: { ...(result.changeSummary as Record<string, number>) }, outputs: {}, plan: plan.result() });
  } else if (request.kind === "destroy") {
    const result = await stack.destroy(hooks);
    await stack.workspace.removeStack(stackName);
    send({ type: "result", summary: { ...(result.summary.resourceChanges as OpMap as Record<string, number>) }, outputs: {} });
  } else {
    const result = await stack.up({ ...hooks, refresh: request.refresh === true });
    const outputs = Object.fromEntries(Object.entries(result.outputs).map(([key, output]) => [key, output.secret ? "[secret]" : output.value]));
    send({ type: "result", summary: { ...(result.summary.resourceChanges as OpMap as Record<string, number>) }, outputs });
  }
}
