/**
 * `npm run dev`: everything a newcomer needs for a portal that really deploys. Builds the toolchain (or
 * finds it built), starts the local cluster in `.data/cluster`, then the portal on http://localhost:8080
 * with that cluster's kubeconfig. Ctrl-C stops the portal, then the cluster.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { startCluster, type LocalCluster } from "./cluster/cluster.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const log = (line: string) => console.error(`dev: ${line}`);

async function run(command: string, args: string[]): Promise<number> {
  const child = spawn(command, args, { cwd: root, stdio: "inherit" });
  const [code] = (await once(child, "exit")) as [number | null];
  return code ?? 1;
}

let cluster: LocalCluster | undefined;
// Not const: shutdown, a signal handler from the start, reads it before the portal is spawned.
let portal: ChildProcess | undefined = undefined;
let stopping = false;

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    if (portal && portal.exitCode === null) {
      portal.kill("SIGTERM");
      await once(portal, "exit");
    }
    await cluster?.stop();
    log("stopped");
  }
  process.exit(code);
}
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void shutdown(0));

if ((await run(process.execPath, ["toolchain/build.mjs"])) !== 0) {
  log("the toolchain could not be built (see above)");
  process.exit(1);
}
try {
  cluster = await startCluster({ dataDir: ".data/cluster", log: (line) => log(`cluster: ${line}`) });
} catch (error) {
  log(`the local cluster could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
log(`KUBECONFIG=${cluster.kubeconfigPath}`);
portal = spawn(process.execPath, ["--conditions=@babyhelm/source", "--import", "tsx", "portal/server/src/main.ts"], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, KUBECONFIG: cluster.kubeconfigPath },
});
portal.once("exit", (code) => {
  if (!stopping) {
    log(`the portal stopped (exit code ${code ?? "none"}); stopping the cluster`);
    void shutdown(code ?? 1);
  }
});
const failed = await cluster.failed;
log(`${failed} of the local cluster stopped by itself (see .data/cluster/logs/${failed}.log); stopping`);
await shutdown(1);
