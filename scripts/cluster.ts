/**
 * `npm run cluster [-- --data-dir DIR]`: runs the local cluster in the foreground (see cluster/cluster.ts).
 * Prints `KUBECONFIG=<absolute path>` once the API server answers and the nodes are Ready; SIGINT or
 * SIGTERM stops every process it started. Exit status 1 when the cluster cannot start or a component dies.
 */
import { parseArgs } from "node:util";
import { startCluster } from "./cluster/cluster.js";

function usage(message: string): never {
  console.error(`${message}\nusage: npm run cluster [-- --data-dir DIR]   (default .data/cluster)`);
  process.exit(2);
}

let dataDir = ".data/cluster";
try {
  const { values } = parseArgs({ options: { "data-dir": { type: "string" } }, strict: true });
  if (values["data-dir"] !== undefined) dataDir = values["data-dir"];
} catch (error) {
  usage((error as Error).message);
}
if (!dataDir.trim()) usage("--data-dir must not be empty");

const log = (line: string) => console.error(`cluster: ${line}`);
let cluster: Awaited<ReturnType<typeof startCluster>> | undefined;
let stopping = false;

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    await cluster?.stop();
    log("stopped");
  }
  process.exit(code);
}

for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void shutdown(0));

try {
  cluster = await startCluster({ dataDir, log });
} catch (error) {
  log(`could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
if (stopping) await shutdown(0);
console.log(`KUBECONFIG=${cluster.kubeconfigPath}`);
log(`API server ${cluster.server}; logs in ${cluster.dataDir}/logs; stop with Ctrl-C`);
const failed = await cluster.failed;
log(`${failed} stopped by itself; stopping the cluster (see ${cluster.dataDir}/logs/${failed}.log)`);
await shutdown(1);
