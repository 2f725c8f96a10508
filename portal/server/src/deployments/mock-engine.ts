/**
 * The test engine: runs the real per-project program (stacks/project, given the spec the way the real
 * engine gives it) under Pulumi's own mock runtime, and reports every resource it would create.
 * Everything but the Pulumi CLI and the cluster is exercised. Process-global runtime state is why every
 * run happens in a process of its own.
 */
import * as pulumi from "@pulumi/pulumi";
import { buildProjectStack } from "@babyhelm/stack-project";
import { kindOf, type PlanStep } from "./plan.js";
import type { EngineMessage, EngineRequest } from "./protocol.js";

const { waitForRPCs } = pulumi.runtime as unknown as { waitForRPCs: () => Promise<void> };

export async function runMockEngine(request: EngineRequest, send: (message: EngineMessage) => void, signal: AbortSignal): Promise<void> {
  const step = request.mockStepMs ?? 0;
  const op = request.kind === "destroy" ? "delete" : "create";
  // Without a stack of its own, the test engine's preview plans every object as new, and it never finds drift.
  const planning = request.kind === "preview" || request.kind === "drift";
  const plan: PlanStep[] = [];
  let changed = 0;
  send({ type: "stack" });
  await pulumi.runtime.setMocks(
    {
      async newResource(args) {
        if (signal.aborted) throw new Error("cancelled");
        const name = args.name;
        if (request.kind === "preview")
          plan.push({ op: "create", kind: kindOf(args.type), name: String((args.inputs.metadata as { name?: string } | undefined)?.name ?? name), changes: [] });
        if (planning) {
          if (step > 0) await new Promise((resolve) => setTimeout(resolve, step));
          return { id: `${name}-id`, state: args.inputs };
        }
        send({ type: "event", event: { kind: "resource", op, type: args.type, name, status: "started" } });
        send({ type: "output", line: `${op === "create" ? "+" : "-"} ${args.type} ${name}` });
        if (step > 0) await new Promise((resolve) => setTimeout(resolve, step));
        send({ type: "event", event: { kind: "resource", op, type: args.type, name, status: "done" } });
        changed++;
        return { id: `${name}-id`, state: args.inputs };
      },
      call: (args) => args.inputs,
    },
    "babyhelm-project",
    request.spec.name,
    false,
  );
  const outputs = buildProjectStack({ spec: request.spec, platform: request.platform, secretChecksumKey: request.secretChecksumKey });
  await waitForRPCs();
  if (signal.aborted) throw new Error("cancelled");
  if (planning) {
    send({ type: "result", summary: request.kind === "preview" ? { create: plan.length } : {}, outputs: {}, plan });
    return;
  }
  const summary = { [op]: changed };
  send({ type: "event", event: { kind: "summary", changes: summary } });
  send({ type: "result", summary, outputs: { namespace: request.spec.name, apps: outputs.apps, urls: outputs.urls } });
}
