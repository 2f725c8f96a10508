/**
 * Real deployment figures (`npm run bench -- deploy`), with the toolchain's Pulumi CLI against a local
 * cluster (started here unless KUBECONFIG names one), each against a baseline measured in the same run:
 * - a first deploy of a two-app project through the portal (HTTP request to `succeeded`) vs the same
 *   program through plain `pulumi up` of stacks/project (target: portal at most 1.15x), alternating rounds;
 * - a redeploy without changes, the same way;
 * - ten projects with WORKER_CONCURRENCY=4 vs one at a time (throughput ratio);
 * - the engine's peak memory (the engine process, and its whole tree with the CLI and provider);
 * - where the portal's time goes (queue, engine start, Pulumi, recording the end).
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import type { ResponseOf, createDeployment, getDeployment } from "@babyhelm/sdk/api";
import knexFactory from "knex";
import { knexSnakeCaseMappers } from "objection";
import { findBinary, pulumiHome } from "../toolchain/tools.mjs";
import { descendants } from "../portal/server/src/deployments/process-tree.js";
import { startCluster, type LocalCluster } from "../scripts/cluster/cluster.js";
import { median, type BenchResult } from "./measure.js";
import { portalCall, startServers, type Servers } from "./portal.js";

const run = promisify(execFile);
const projectDir = fileURLToPath(new URL("../stacks/project", import.meta.url));
const ROUNDS = 3;
const MANY = 10;

const apps = [
  { name: "web", image: "nginx:1.27", port: 80, replicas: 2, secretEnv: { API_KEY: "bench-secret" } },
  { name: "worker", image: "busybox:1.36", command: ["sleep", "3600"] },
];
const quota = { cpu: "1", memory: "1Gi", pods: 6 };
const unique = (prefix: string) => `${prefix}-${randomBytes(3).toString("hex")}`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Plain `pulumi up` of stacks/project, as a user runs it, with its own file backend. */
function plainPulumi(kubeconfig: string, pulumi: string) {
  const state = mkdtempSync(join(tmpdir(), "babyhelm-bench-state-"));
  const env = {
    ...process.env,
    // The Kubernetes provider leaves a copy of the kubeconfig in the temp dir on every run (as the portal's
    // engine does, the baseline gets a private one, removed with the state).
    TMPDIR: mkdtempSync(join(state, "tmp-")),
    PATH: `${dirname(pulumi)}:${process.env.PATH ?? ""}`,
    PULUMI_HOME: pulumiHome(),
    PULUMI_BACKEND_URL: pathToFileURL(state).href,
    PULUMI_CONFIG_PASSPHRASE: "bench",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    KUBECONFIG: kubeconfig,
  };
  const cli = (args: string[]) => run(pulumi, [...args, "--non-interactive"], { cwd: projectDir, env, maxBuffer: 64 << 20 });
  const initialised: string[] = [];
  return {
    /** Deploys a new project; returns the time `pulumi up` took, and a function timing a no-change `up`. */
    async up(name: string): Promise<{ ms: number; again: () => Promise<number>; destroy: () => Promise<void> }> {
      const stack = ["--stack", name, "--config-file", join(state, `Pulumi.${name}.yaml`)];
      const specFile = join(state, `${name}.json`);
      writeFileSync(specFile, JSON.stringify({ name, quota, apps }));
      await cli(["stack", "init", name, "--secrets-provider", "passphrase"]);
      // `stack init` writes the stack's settings (its encryption salt) into the project directory.
      initialised.push(join(projectDir, `Pulumi.${name}.yaml`));
      await cli(["config", "set", "babyhelm:specFile", specFile, ...stack]);
      // The apps have secretEnv: the stack keys their checksum, as the README tells `pulumi up` users to.
      await cli(["config", "set", "--secret", "babyhelm:secretChecksumKey", randomBytes(32).toString("hex"), ...stack]);
      const timed = async () => {
        const started = performance.now();
        await cli(["up", "--yes", "--skip-preview", ...stack]);
        return performance.now() - started;
      };
      return { ms: await timed(), again: timed, destroy: async () => void (await cli(["destroy", "--yes", "--skip-preview", ...stack])) };
    },
    cleanUp: () => {
      rmSync(state, { recursive: true, force: true });
      for (const file of initialised) rmSync(file, { force: true });
    },
  };
}

/** Samples the RSS of every deployment engine (engine-process) and its tree every 200 ms. */
function memorySampler() {
  const kib = (pid: number) => {
    try {
      return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    } catch {
      return 0;
    }
  };
  let engine = 0;
  let tree = 0;
  const timer = setInterval(() => {
    for (const entry of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
      let cmdline: string;
      try {
        cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8");
      } catch {
        continue;
      }
      if (!cmdline.includes("engine-process")) continue;
      const pid = Number(entry);
      const own = kib(pid);
      engine = Math.max(engine, own);
      tree = Math.max(tree, own + descendants(pid).reduce((sum, child) => sum + kib(child), 0));
    }
  }, 200);
  return { stop: () => (clearInterval(timer), { engineMiB: engine / 1024, treeMiB: tree / 1024 }) };
}

export async function benchDeploy(): Promise<BenchResult[]> {
  const pulumi = findBinary("pulumi");
  if (!pulumi) throw new Error("the deploy bench needs the toolchain: run `npm run toolchain`");
  const clusterDir = mkdtempSync(join(tmpdir(), "babyhelm-bench-cluster-"));
  let cluster: LocalCluster | undefined;
  let kubeconfig = process.env.KUBECONFIG;
  if (!kubeconfig) {
    cluster = await startCluster({ dataDir: clusterDir });
    kubeconfig = cluster.kubeconfigPath;
  }
  const plain = plainPulumi(kubeconfig, pulumi);
  // A development portal, as `npm run dev` runs it: its spare engine starts with it (tests skip that).
  const { servers, stop } = await startServers({ NODE_ENV: "development", DEPLOY_ENGINE: "pulumi", KUBECONFIG: kubeconfig, WORKER_CONCURRENCY: "4", LOG_LEVEL: "warn" });
  await new Promise((resolve) => setTimeout(resolve, 5000)); // a portal that has been up for a moment
  const knex = knexFactory({ client: "pg", connection: servers.databaseUrl, pool: { min: 0, max: 2 }, ...knexSnakeCaseMappers() });
  try {
    const portal = await portalClient(servers);
    await knex("user_limits")
      .insert({ userId: (await knex("users").first("id")).id, maxProjects: 100, maxCpu: "64", maxMemory: "64Gi", updatedAt: new Date() })
      .onConflict("userId")
      .merge();

    const firstRatios: number[] = [];
    const againRatios: number[] = [];
    const breakdowns: Breakdown[] = [];
    const sampler = memorySampler();
    for (let round = 1; round <= ROUNDS; round++) {
      const plainRun = await plain.up(unique("bench-plain"));
      const name = unique("bench-portal");
      await portal.createProject(name);
      const portalFirst = await portal.deploy(name);
      breakdowns.push(await breakdown(knex, portalFirst.id));
      const plainAgain = await plainRun.again();
      const portalAgain = await portal.deploy(name);
      firstRatios.push(portalFirst.ms / plainRun.ms);
      againRatios.push(portalAgain.ms / plainAgain);
      console.log(
        `deploy round ${round}: first deploy portal ${seconds(portalFirst.ms)} vs pulumi up ${seconds(plainRun.ms)} (${(portalFirst.ms / plainRun.ms).toFixed(2)}x); ` +
          `no change portal ${seconds(portalAgain.ms)} vs pulumi up ${seconds(plainAgain)} (${(portalAgain.ms / plainAgain).toFixed(2)}x)`,
      );
      await plainRun.destroy();
    }
    const memory = sampler.stop();
    const where = averageBreakdown(breakdowns);
    console.log(
      `portal first deploy, where the time goes (mean of ${breakdowns.length}): queue ${seconds(where.queue)}, engine start ${seconds(where.engineStart)}, ` +
        `Pulumi ${seconds(where.pulumi)}, recording the end ${seconds(where.finish)}`,
    );
    console.log(`engine peak memory: engine process ${memory.engineMiB.toFixed(0)} MiB; with the Pulumi CLI and provider ${memory.treeMiB.toFixed(0)} MiB`);

    // Throughput: ten first deploys one after the other, then ten at once on four workers.
    const sequentialStarted = performance.now();
    for (let index = 0; index < MANY; index++) {
      const name = unique("bench-seq");
      await portal.createProject(name);
      await portal.deploy(name);
    }
    const sequentialMs = performance.now() - sequentialStarted;
    const parallel = Array.from({ length: MANY }, () => unique("bench-par"));
    for (const name of parallel) await portal.createProject(name);
    const parallelStarted = performance.now();
    await Promise.all(parallel.map((name) => portal.deploy(name)));
    const parallelMs = performance.now() - parallelStarted;
    const throughput = sequentialMs / parallelMs;
    console.log(`${MANY} projects: one at a time ${seconds(sequentialMs)}; WORKER_CONCURRENCY=4 ${seconds(parallelMs)}; throughput ${throughput.toFixed(2)}x`);

    const first = median(firstRatios);
    const again = median(againRatios);
    return [
      { name: "first deploy: portal (HTTP to succeeded) vs plain pulumi up", value: first, unit: "x", target: "<= 1.15", met: first <= 1.15 },
      { name: "no-change redeploy: portal vs plain pulumi up", value: again, unit: "x", target: "<= 1.15", met: again <= 1.15 },
      { name: `${MANY} projects, WORKER_CONCURRENCY=4 vs one at a time (throughput)`, value: throughput, unit: "x", target: "> 1.5", met: throughput > 1.5 },
      { name: "engine tree peak memory (engine, CLI, provider)", value: memory.treeMiB, unit: "MiB", target: "< 1024 MiB", met: memory.treeMiB < 1024 },
    ];
  } finally {
    await knex.destroy();
    stop();
    plain.cleanUp();
    await cluster?.stop();
    rmSync(clusterDir, { recursive: true, force: true });
  }
}

async function portalClient(servers: Servers) {
  const call = await portalCall(servers);
  return {
    async createProject(name: string) {
      await call("POST", "/api/projects", { name, quota });
      for (const app of apps) await call("POST", `/api/projects/${name}/apps`, app);
    },
    /** HTTP request to `succeeded`, as a person (or the CLI's `deploy --wait`) would see it. */
    async deploy(name: string): Promise<{ id: string; ms: number }> {
      const started = performance.now();
      const { deployment } = await call<ResponseOf<typeof createDeployment>>("POST", `/api/projects/${name}/deployments`, {});
      for (;;) {
        const current = (await call<ResponseOf<typeof getDeployment>>("GET", `/api/projects/${name}/deployments/${deployment.id}`)).deployment;
        if (current.status === "succeeded") return { id: deployment.id, ms: performance.now() - started };
        if (["failed", "cancelled"].includes(current.status)) throw new Error(`deployment of ${name} ${current.status}: ${current.error}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}

interface Breakdown {
  queue: number;
  engineStart: number;
  pulumi: number;
  finish: number;
}

/** From the database's own clock: queued -> started -> first engine event -> last event -> finished. */
async function breakdown(knex: knexFactory.Knex, deploymentId: string): Promise<Breakdown> {
  const deployment = await knex("deployments").where({ id: deploymentId }).first("createdAt", "startedAt", "finishedAt");
  const events = await knex("deploymentEvents").where({ deploymentId }).min("createdAt as first").max("createdAt as last").first();
  const at = (value: Date | string) => new Date(value).getTime();
  return {
    queue: at(deployment.startedAt) - at(deployment.createdAt),
    engineStart: at(events!.first) - at(deployment.startedAt),
    pulumi: at(events!.last) - at(events!.first),
    finish: at(deployment.finishedAt) - at(events!.last),
  };
}

function averageBreakdown(all: Breakdown[]): Breakdown {
  const mean = (key: keyof Breakdown) => all.reduce((sum, entry) => sum + entry[key], 0) / all.length;
  return { queue: mean("queue"), engineStart: mean("engineStart"), pulumi: mean("pulumi"), finish: mean("finish") };
}
