/**
 * `npm run cluster` as a developer uses it: the KUBECONFIG line once nodes are Ready, a platform-ready
 * cluster, SIGTERM stopping everything it started, and a second start on the data directory of a killed
 * run finding and stopping what that run left behind, with the cluster's state kept.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CoreV1Api, KubeConfig, NetworkingV1Api } from "@kubernetes/client-node";
import { afterAll, describe, expect, it } from "vitest";
import { realPlatform } from "../portal/server/src/test-support/cluster.js";
import { isAlive as alive } from "../portal/server/src/test-support/process.js";

const repo = fileURLToPath(new URL("..", import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), "babyhelm-cluster-test-"));
const launched: ChildProcess[] = [];

function launch(args: string[]): { child: ChildProcess; output: () => string; kubeconfigLine: Promise<string> } {
  const child = spawn(process.execPath, ["--conditions=@babyhelm/source", "--import", "tsx", "scripts/cluster.ts", ...args], { cwd: repo, stdio: ["ignore", "pipe", "pipe"] });
  launched.push(child);
  let output = "";
  const kubeconfigLine = new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk;
      const line = output.split("\n").find((candidate) => candidate.startsWith("KUBECONFIG="));
      if (line) resolve(line.slice("KUBECONFIG=".length));
    });
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk));
    child.once("exit", (code) => reject(new Error(`the launcher exited (${code}) before printing KUBECONFIG:\n${output}`)));
  });
  kubeconfigLine.catch(() => undefined); // awaited by the tests that expect the line; the others watch the exit

  return { child, output: () => output, kubeconfigLine };
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(child.exitCode) : child.once("exit", (code) => resolve(code))));

function componentPids(): Record<string, number> {
  const dir = join(dataDir, "pids");
  return Object.fromEntries(readdirSync(dir).map((file) => [file.replace(/\.pid$/, ""), Number(readFileSync(join(dir, file), "utf8"))]));
}

afterAll(async () => {
  for (const child of launched) if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  await Promise.all(launched.map(exited));
  rmSync(dataDir, { recursive: true, force: true });
});

describe.skipIf(!realPlatform)("npm run cluster", () => {
  it("refuses an unknown option with the usage", async () => {
    const { child, output } = launch(["--data"]);
    expect(await exited(child)).toBe(2);
    expect(output()).toMatch(/usage: npm run cluster \[-- --data-dir DIR\]/);
  });

  it("prints KUBECONFIG once nodes are Ready, survives being killed, and stops everything on SIGTERM", async () => {
    const first = launch(["--data-dir", dataDir]);
    const kubeconfig = await first.kubeconfigLine;
    expect(isAbsolute(kubeconfig)).toBe(true);
    const kube = new KubeConfig();
    kube.loadFromFile(kubeconfig);
    const core = kube.makeApiClient(CoreV1Api);
    const nodes = await core.listNode();
    expect(nodes.items.map((node) => node.metadata?.name)).toEqual(["kwok-node-0", "kwok-node-1", "kwok-node-2"]);
    for (const node of nodes.items) expect(node.status?.conditions).toContainEqual(expect.objectContaining({ type: "Ready", status: "True" }));
    // Platform-ready: what projects rely on exists.
    const namespaces = (await core.listNamespace()).items.map((namespace) => namespace.metadata?.name);
    expect(namespaces).toEqual(expect.arrayContaining(["ingress-nginx", "monitoring"]));
    expect((await kube.makeApiClient(NetworkingV1Api).readIngressClass({ name: "nginx" })).spec?.controller).toBe("k8s.io/ingress-nginx");
    await core.createNamespace({ body: { metadata: { name: "kept-across-restarts" } } });

    const killedRun = componentPids();
    first.child.kill("SIGKILL");
    await exited(first.child);
    expect(Object.values(killedRun).every(alive)).toBe(true); // orphans, until the next start

    const second = launch(["--data-dir", dataDir]);
    expect(await second.kubeconfigLine).toBe(kubeconfig);
    expect(second.output()).toMatch(/stopped what an earlier run left/);
    for (const pid of Object.values(killedRun)) expect(alive(pid)).toBe(false);
    expect((await core.readNamespace({ name: "kept-across-restarts" })).metadata?.name).toBe("kept-across-restarts");

    const running = componentPids();
    expect(Object.keys(running).sort()).toEqual(["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok"]);
    second.child.kill("SIGTERM");
    expect(await exited(second.child)).toBe(0);
    for (const pid of Object.values(running)) expect(alive(pid)).toBe(false);
  }, 240_000);
});
