/**
 * A deployment's engine, in a process of its own (started by runner.ts): a hung or crashed engine never
 * takes the portal down, a cancelled run can be stopped for real, and Pulumi's process-global runtime
 * state belongs to one run. The request arrives on stdin; progress leaves as JSON lines on stdout. When the
 * portal goes away (stdin ends) or sends SIGINT/SIGTERM, the run is cancelled.
 */
import { runMockEngine } from "./mock-engine.js";
import type { EngineMessage, EngineRequest } from "./protocol.js";
import { runPulumiEngine } from "./pulumi-engine.js";

const abort = new AbortController();
const send = (message: EngineMessage) => process.stdout.write(`${JSON.stringify(message)}\n`);

async function readRequest(): Promise<EngineRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const newline = text.indexOf("\n");
    if (newline >= 0) return JSON.parse(text.slice(0, newline)) as EngineRequest;
  }
  throw new Error("no deployment request on stdin");
}

for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => abort.abort());

try {
  const request = await readRequest();
  // The portal keeps stdin open for the whole run: when it closes, the portal is gone.
  process.stdin.on("end", () => abort.abort());
  process.stdin.resume();
  await (request.engine === "mock" ? runMockEngine : runPulumiEngine)(request, send, abort.signal);
  process.exit(0);
} catch (error) {
  send({ type: "error", message: abort.signal.aborted ? "cancelled" : ((error as Error).message ?? String(error)) });
  process.exit(1);
}
