/**
 * A deployment's engine, in a process of its own (started by runner.ts): a hung or crashed engine never
 * takes the portal down, a cancelled run can be stopped for real, and Pulumi's process-global runtime
 * state belongs to one run. The request arrives on stdin; progress leaves as JSON lines on stdout. When the
 * portal goes away (stdin ends) or sends SIGINT/SIGTERM, the run is cancelled.
 */
import { runMockEngine } from "./mock-engine.js";
import { killTree } from "./process-tree.js";
import type { EngineMessage, EngineRequest } from "./protocol.js";
import { describeEngineError, runPulumiEngine } from "./pulumi-engine.js";

/** After the portal is gone, the engine gets this long to stop cleanly before it kills its process tree. */
const ORPHAN_GRACE_MS = 10_000;

const abort = new AbortController();
const send = (message: EngineMessage) => process.stdout.write(`${JSON.stringify(message)}\n`);
// Writing to a portal that is gone fails with EPIPE: the engine stops on its own (stdin ends), so ignore it.
process.stdout.on("error", () => undefined);

/**
 * The first line of stdin. Read with listeners, not `for await`: leaving a `for await` loop destroys the
 * stream, and stdin must stay open to tell when the portal is gone.
 */
function readRequest(): Promise<EngineRequest> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      const text = Buffer.concat(chunks).toString("utf8");
      const newline = text.indexOf("\n");
      if (newline < 0) return;
      process.stdin.off("data", onData).off("end", onEnd);
      try {
        resolve(JSON.parse(text.slice(0, newline)) as EngineRequest);
      } catch (error) {
        reject(error);
      }
    };
    const onEnd = () => reject(new Error("no deployment request on stdin"));
    process.stdin.on("data", onData).once("end", onEnd);
  });
}

for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => abort.abort());

try {
  const request = await readRequest();
  // The portal keeps stdin open for the whole run: when it closes, the portal is gone. No engine may outlive
  // it for long, so the next portal can safely clear the stack's lock: after a grace period this process
  // ends its whole tree, the Pulumi CLI and its plugins (each in a group of its own) included.
  process.stdin.on("end", () => {
    abort.abort();
    setTimeout(() => killTree(process.pid), ORPHAN_GRACE_MS);
  });
  process.stdin.resume();
  await (request.engine === "mock" ? runMockEngine : runPulumiEngine)(request, send, abort.signal);
  process.exit(0);
} catch (error) {
  send({ type: "error", message: abort.signal.aborted ? "cancelled" : describeEngineError(error) });
  process.exit(1);
}
