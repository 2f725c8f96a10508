/**
 * The test engine: runs the real per-project program (stacks/project, reading the spec from stack config
 * like `pulumi up` does) under Pulumi's own mock runtime, and reports every resource it would create.
 * Everything but the Pulumi CLI and the cluster is exercised. Process-global runtime state is why every
 * run happens in a process of its own.
 */
import * as pulumi from "@pulumi/pulumi";
import { buildProjectStack, readProjectConfig } from "@babyhelm/stack-project";
import type { EngineMessage, EngineRequest } from "./protocol.js";

const { waitForRPCs } = pulumi.runtime as unknown as { waitForRPCs: () => Promise<void> };

export async function runMockEngine(request: EngineRequest, send: (message: EngineMessage) => void, signal: AbortSignal): Promise<void> {
  const step = request.mockStepMs ?? 0;
  const op = request.kind === "destroy" ? "delete" : "create";
  let changed = 0;
  await pulumi.runtime.setMocks(
    {
      async newResource(args) {
        if (signal.aborted) throw new Error("cancelled");
        const name = args.name;
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
  pulumi.runtime.setAllConfig(
    { "babyhelm:spec": JSON.stringify(request.spec), ...(request.platform ? { "babyhelm:platform": JSON.stringify(request.platform) } : {}) },
    ["babyhelm:spec"],
  );
  const outputs = buildProjectStack(readProjectConfig());
  await waitForRPCs();
  if (signal.aborted) throw new Error("cancelled");
  const summary = { [op]: changed };
  send({ type: "event", event: { kind: "summary", changes: summary } });
  send({ type: "result", summary, outputs: { namespace: request.spec.name, apps: outputs.apps, urls: outputs.urls } });
}
