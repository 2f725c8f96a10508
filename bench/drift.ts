/**
 * Drift figures (`npm run bench -- drift`, issue 13), with the toolchain's Pulumi CLI against a local cluster
 * (started here unless KUBECONFIG names one) and one portal (DEPLOY_ENGINE=pulumi) restarted on the same
 * data directory with other settings, each figure against a baseline measured in the same run:
 * - a drift check (a refresh-preview against the last successful deployment) of a 20-app project vs a
 *   no-change `up` of it, alternating ROUNDS times: POST to finished as a client sees it (both polled the
 *   same way), and the run's own startedAt -> finishedAt; median, min and max, and the ratio drift/up;
 * - the scheduled sweep of 50 deployed one-app projects (DRIFT_CHECK_INTERVAL_MS=1000) at each
 *   DRIFT_CONCURRENCY: how long until every project has a finished check, against the ideal of
 *   checks x mean check / concurrency, and the most checks seen running at once (the bound).
 * `--quick`: 3 rounds and 20 projects.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { ResponseOf, checkDrift, createDeployment, getDeployment, getDrift, getMe } from "@babyhelm/sdk/api";
import knexFactory, { type Knex } from "knex";
import { knexSnakeCaseMappers } from "objection";
import { findBinary } from "../toolchain/tools.mjs";
import { startCluster, type LocalCluster } from "../scripts/cluster/cluster.js";
import { median, type BenchResult } from "./measure.js";
import { portalCall, startServers, type PortalCall, type Servers } from "./portal.js";

const BIG = "bench-drift-big";
const APPS = 20;
/** The one-app projects' names: bench-drift-01 ... */
const smallName = (index: number) => `bench-drift-${String(index + 1).padStart(2, "0")}`;
const SWEEP_INTERVAL_MS = 1000;
const SWEEP_CONCURRENCIES = [2, 4];
/** Deployments one portal process runs at once, in every phase (at least the largest DRIFT_CONCURRENCY). */
const WORKERS = 4;
const FINAL = ["succeeded", "failed", "cancelled"];
const small = { cpu: "10m", memory: "16Mi" };
const bigApps = Array.from({ length: APPS }, (_, index) => {
  const name = `app-${String(index + 1).padStart(2, "0")}`;
  return index % 2 === 0
    ? { name, image: "nginx:1.27", port: 80, resources: small }
    : { name, image: "busybox:1.36", command: ["sleep", "3600"], env: { ROLE: "worker" }, resources: small };
});
// Each app counts one extra pod for rollouts: 40 pods, 400m, 640Mi.
const bigQuota = { cpu: "1", memory: "1Gi", pods: 2 * APPS };
const smallQuota = { cpu: "100m", memory: "128Mi", pods: 2 };
const smallApp = { name: "web", image: "nginx:1.27", port: 80, resources: small };

interface Run {
  id: string;
  status: string;
  /** POST to finished, as a client polling GET .../deployments/:id every 50 ms sees it. */
  e2eMs: number;
  /** The run's own startedAt -> finishedAt. */
  runMs: number;
  summary: Record<string, number> | null;
  plan?: unknown[] | null;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const spread = (samples: number[]) => `median ${seconds(median(samples))} (min ${seconds(Math.min(...samples))}, max ${seconds(Math.max(...samples))})`;

async function finished(call: PortalCall, project: string, id: string, started: number, timeoutMs = 600_000): Promise<Run> {
  for (;;) {
    const { deployment } = await call<ResponseOf<typeof getDeployment>>("GET", `/api/projects/${project}/deployments/${id}`);
    if (FINAL.includes(deployment.status)) {
      const e2eMs = performance.now() - started;
      if (deployment.status !== "succeeded") throw new Error(`${deployment.kind} ${id} of ${project} ${deployment.status}: ${deployment.error}`);
      // A succeeded run has started and finished.
      const runMs = new Date(deployment.finishedAt!).getTime() - new Date(deployment.startedAt!).getTime();
      return { id, status: deployment.status, e2eMs, runMs, summary: deployment.summary, plan: deployment.plan };
    }
    if (performance.now() - started > timeoutMs) throw new Error(`${deployment.kind} ${id} of ${project} did not finish within ${timeoutMs / 1000} s`);
    await sleep(50);
  }
}

const deploy = async (call: PortalCall, project: string): Promise<Run> => {
  const started = performance.now();
  const { deployment } = await call<ResponseOf<typeof createDeployment>>("POST", `/api/projects/${project}/deployments`, {});
  return finished(call, project, deployment.id, started);
};

const driftCheck = async (call: PortalCall, project: string): Promise<Run> => {
  const started = performance.now();
  const { check } = await call<ResponseOf<typeof checkDrift>>("POST", `/api/projects/${project}/drift?wait=0`, {});
  if (!check) throw new Error(`the drift check of ${project} was not found once requested`);
  return finished(call, project, check.id, started);
};

function database(servers: Servers): Knex {
  return knexFactory({ client: "pg", connection: servers.databaseUrl, pool: { min: 0, max: 2 }, ...knexSnakeCaseMappers() });
}

/** The most intervals open at one instant (an end at the same instant as a start closes first). */
function maxOverlap(intervals: { start: number; end: number }[]): number {
  const points = intervals.flatMap(({ start, end }) => [
    { at: start, delta: 1 },
    { at: end, delta: -1 },
  ]);
  points.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let open = 0;
  let most = 0;
  for (const point of points) most = Math.max(most, (open += point.delta));
  return most;
}

interface SweepFigures {
  concurrency: number;
  /** Portal start (process spawned) to every project having a finished check, as seen by polling. */
  wallMs: number;
  /** First check queued to the last project's first check finished, on the database's clock. */
  sweepMs: number;
  checks: number;
  failed: number;
  drifted: number;
  meanRunMs: number;
  meanWaitMs: number;
  idealMs: number;
  maxOverlap: number;
  maxPolledRunning: number;
  maxPolledActive: number;
}

export async function benchDrift(options: { quick?: boolean } = {}): Promise<BenchResult[]> {
  if (!findBinary("pulumi")) throw new Error("the drift bench needs the toolchain: run `npm run toolchain`");
  const rounds = options.quick ? 3 : 5;
  const projects = options.quick ? 20 : 50;
  const clusterDir = mkdtempSync(join(tmpdir(), "babyhelm-bench-cluster-"));
  const dataDir = mkdtempSync(join(tmpdir(), "babyhelm-bench-drift-"));
  let cluster: LocalCluster | undefined;
  let kubeconfig = process.env.KUBECONFIG;
  let portal: { servers: Servers; stop: () => Promise<void> } | undefined;
  let knex: Knex | undefined;
  const stopPortal = async () => {
    await knex?.destroy();
    knex = undefined;
    await portal?.stop();
    portal = undefined;
  };
  let cleaning: Promise<void> | undefined;
  const cleanUp = () =>
    (cleaning ??= (async () => {
      await stopPortal().catch(() => undefined);
      // Someone else's cluster keeps the projects' namespaces; ours goes with its data.
      await cluster?.stop();
      rmSync(clusterDir, { recursive: true, force: true });
      rmSync(dataDir, { recursive: true, force: true });
    })());
  const interrupted = () => void cleanUp().finally(() => process.exit(130));
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);
  try {
    if (!kubeconfig) {
      cluster = await startCluster({ dataDir: clusterDir });
      kubeconfig = cluster.kubeconfigPath;
    }
    // A development portal, as `npm run dev` runs it (its spare engine starts with it). The health watch
    // and the expiry sweep are off: they would add cluster reads of their own to what is timed.
    const portalEnv = (drift: Record<string, string>) => ({
      NODE_ENV: "development",
      DEPLOY_ENGINE: "pulumi",
      KUBECONFIG: kubeconfig!,
      DATA_DIR: dataDir,
      WORKER_CONCURRENCY: String(WORKERS),
      LOG_LEVEL: "warn",
      HEALTH_WATCH_INTERVAL_MS: "0",
      EXPIRY_CHECK_INTERVAL_MS: "0",
      ...drift,
    });
    const start = async (drift: Record<string, string>) => {
      portal = await startServers(portalEnv(drift));
      knex = database(portal.servers);
      return portalCall(portal.servers);
    };

    // Phase 1: no scheduled checks; the 20-app project deployed, then no-change ups and drift checks.
    let call = await start({ DRIFT_CHECK_INTERVAL_MS: "0" });
    await sleep(5000); // a portal that has been up for a moment (its spare engine ready)
    const { user } = await call<ResponseOf<typeof getMe>>("GET", "/api/me");
    // 51 projects and their quotas are past the default limits (5 projects, 4 CPU); the bench user is an admin.
    await call("PATCH", `/api/admin/users/${user.id}/limits`, { maxProjects: projects + 10, maxCpu: "64", maxMemory: "128Gi" });
    await call("POST", "/api/projects", { name: BIG, quota: bigQuota });
    for (const app of bigApps) await call("POST", `/api/projects/${BIG}/apps`, app);
    const first = await deploy(call, BIG);
    console.log(`drift: ${APPS}-app project first deploy ${seconds(first.e2eMs)} (run ${seconds(first.runMs)}), changes ${JSON.stringify(first.summary)}`);

    const up: Run[] = [];
    const drift: Run[] = [];
    const states = new Map<string, number>();
    for (let round = 1; round <= rounds; round++) {
      const checkOnce = async () => {
        const run = await driftCheck(call, BIG);
        drift.push(run);
        const state = (await call<ResponseOf<typeof getDrift>>("GET", `/api/projects/${BIG}/drift`)).drift.state;
        states.set(state, (states.get(state) ?? 0) + 1);
        return `drift check ${seconds(run.e2eMs)} (run ${seconds(run.runMs)}, ${state}, ${run.plan?.length ?? 0} drifted)`;
      };
      const upOnce = async () => {
        const run = await deploy(call, BIG);
        up.push(run);
        return `no-change up ${seconds(run.e2eMs)} (run ${seconds(run.runMs)}, ${JSON.stringify(run.summary)})`;
      };
      // The order flips every round, so neither always runs second.
      const parts = round % 2 === 1 ? [await upOnce(), await checkOnce()] : [await checkOnce(), await upOnce()];
      console.log(`drift round ${round}: ${parts.join("; ")}`);
    }
    const upE2e = median(up.map((run) => run.e2eMs));
    const driftE2e = median(drift.map((run) => run.e2eMs));
    const upRun = median(up.map((run) => run.runMs));
    const driftRun = median(drift.map((run) => run.runMs));

    // Phase 2: the one-app projects, all queued at once on WORKERS workers; the big project removed meanwhile,
    // so the sweep below has exactly `projects` projects to check.
    const setupStarted = performance.now();
    const names = Array.from({ length: projects }, (_, index) => smallName(index));
    for (const name of names) {
      await call("POST", "/api/projects", { name, quota: smallQuota });
      await call("POST", `/api/projects/${name}/apps`, smallApp);
    }
    await call("DELETE", `/api/projects/${BIG}`);
    const deployStarted = performance.now();
    const ids = await Promise.all(names.map(async (name) => (await call<ResponseOf<typeof createDeployment>>("POST", `/api/projects/${name}/deployments`, {})).deployment.id));
    // Polled in the database, not through 50 clients' GETs that would load the portal being timed.
    for (;;) {
      const statuses = (await knex!("deployments").whereIn("id", ids).select("status")).map((row: { status: string }) => row.status);
      const failed = statuses.filter((status) => status === "failed" || status === "cancelled").length;
      if (failed > 0) throw new Error(`${failed} of the ${projects} first deploys did not succeed`);
      if (statuses.every((status) => status === "succeeded")) break;
      if (performance.now() - deployStarted > 1_800_000) throw new Error(`the ${projects} first deploys did not finish within 30 minutes`);
      await sleep(500);
    }
    const deployedMs = performance.now() - deployStarted;
    for (let waited = 0; await knex!("projects").where({ name: BIG }).first(); waited += 500) {
      if (waited > 600_000) throw new Error(`${BIG} was not deleted within 10 minutes`);
      await sleep(500);
    }
    const smallIds = new Set<string>((await knex!("projects").whereIn("name", names).select("id")).map((row: { id: string }) => String(row.id)));
    console.log(
      `drift: ${projects} one-app projects created in ${seconds(deployStarted - setupStarted)}, deployed in ${seconds(deployedMs)} ` +
        `(WORKER_CONCURRENCY=${WORKERS}); ${BIG} deleted`,
    );

    // Phase 3: the scheduled sweep, the portal restarted with a short interval, once per DRIFT_CONCURRENCY.
    const sweeps: SweepFigures[] = [];
    for (const concurrency of SWEEP_CONCURRENCIES) {
      const after = String((await knex!("deployments").max("id as id").first())!.id);
      await stopPortal();
      const spawned = performance.now();
      call = await start({ DRIFT_CHECK_INTERVAL_MS: String(SWEEP_INTERVAL_MS), DRIFT_CONCURRENCY: String(concurrency) });
      let maxPolledRunning = 0;
      let maxPolledActive = 0;
      const deadline = Date.now() + 1_800_000;
      type Row = { projectId: string; status: string; createdAt: Date; startedAt: Date | null; finishedAt: Date | null; planLength: number | null };
      let rows: Row[] = [];
      for (;;) {
        rows = (await knex!("deployments")
          .where("kind", "drift")
          .andWhere("id", ">", after)
          .select("projectId", "status", "createdAt", "startedAt", "finishedAt", knex!.raw("jsonb_array_length(plan) as plan_length"))
          .orderBy("id")) as Row[];
        maxPolledRunning = Math.max(maxPolledRunning, rows.filter((row) => row.status === "running").length);
        maxPolledActive = Math.max(maxPolledActive, rows.filter((row) => row.status === "queued" || row.status === "running").length);
        const done = new Set(rows.filter((row) => row.status === "succeeded" || row.status === "failed").map((row) => String(row.projectId)));
        if ([...smallIds].every((id) => done.has(id))) break;
        if (Date.now() > deadline) throw new Error(`the sweep at DRIFT_CONCURRENCY=${concurrency} did not check every project within 30 minutes`);
        await sleep(200);
      }
      const wallMs = performance.now() - spawned;
      const at = (value: Date | null) => (value ? new Date(value).getTime() : Date.now());
      // Each project's first finished check of this sweep; checks queued later are re-checks (the interval is short).
      const firsts = new Map<string, Row>();
      for (const row of rows) {
        if ((row.status === "succeeded" || row.status === "failed") && !firsts.has(String(row.projectId))) firsts.set(String(row.projectId), row);
      }
      const ended = rows.filter((row) => row.startedAt && row.finishedAt && row.status !== "cancelled");
      const meanRunMs = ended.reduce((sum, row) => sum + at(row.finishedAt) - at(row.startedAt), 0) / ended.length;
      const meanWaitMs = ended.reduce((sum, row) => sum + at(row.startedAt) - at(row.createdAt), 0) / ended.length;
      const figures: SweepFigures = {
        concurrency,
        wallMs,
        sweepMs: Math.max(...[...firsts.values()].map((row) => at(row.finishedAt))) - Math.min(...rows.map((row) => at(row.createdAt))),
        checks: rows.filter((row) => row.status === "succeeded" || row.status === "failed").length,
        failed: rows.filter((row) => row.status === "failed").length,
        drifted: rows.filter((row) => (row.planLength ?? 0) > 0).length,
        meanRunMs,
        meanWaitMs,
        idealMs: (projects * meanRunMs) / concurrency,
        maxOverlap: maxOverlap(rows.filter((row) => row.startedAt).map((row) => ({ start: at(row.startedAt), end: at(row.finishedAt) }))),
        maxPolledRunning,
        maxPolledActive,
      };
      sweeps.push(figures);
      console.log(
        `drift sweep, DRIFT_CONCURRENCY=${concurrency} (WORKER_CONCURRENCY=${WORKERS}, DRIFT_CHECK_INTERVAL_MS=${SWEEP_INTERVAL_MS}): ` +
          `all ${projects} projects checked ${seconds(figures.sweepMs)} after the first check was queued (${seconds(wallMs)} from the portal's start); ` +
          `${figures.checks} checks finished (${figures.checks - projects} re-checks), ${figures.failed} failed, ${figures.drifted} found drift; ` +
          `a check runs ${seconds(meanRunMs)} and waits ${seconds(meanWaitMs)} on average; ideal ${projects} x ${seconds(meanRunMs)} / ${concurrency} = ${seconds(figures.idealMs)}; ` +
          `most running at once ${figures.maxOverlap} (startedAt/finishedAt overlaps), ${maxPolledRunning} running and ${maxPolledActive} queued or running (polled)`,
      );
    }
    await stopPortal();

    const ratioE2e = driftE2e / upE2e;
    const ratioRun = driftRun / upRun;
    const table: [string, string, string][] = [
      [`no-change up, ${APPS} apps (${up.length} runs)`, spread(up.map((run) => run.e2eMs)), spread(up.map((run) => run.runMs))],
      [`drift check, ${APPS} apps (${drift.length} runs)`, spread(drift.map((run) => run.e2eMs)), spread(drift.map((run) => run.runMs))],
      ["drift / up (medians)", `${ratioE2e.toFixed(2)}x`, `${ratioRun.toFixed(2)}x`],
    ];
    const sweepLabel = (concurrency: number) => `${projects} projects, DRIFT_CONCURRENCY=${concurrency}`;
    const width = Math.max(...table.map(([label]) => label.length), ...SWEEP_CONCURRENCIES.map((concurrency) => sweepLabel(concurrency).length));
    console.log(
      `\ndrift figures (${options.quick ? "--quick: " : ""}${rounds} rounds, ${projects} projects; drift states seen: ${[...states].map(([state, n]) => `${state} ${n}`).join(", ")})`,
    );
    console.log(`  ${"".padEnd(width)}  ${"POST to finished".padEnd(40)}  run (startedAt -> finishedAt)`);
    for (const [label, e2e, run] of table) console.log(`  ${label.padEnd(width)}  ${e2e.padEnd(40)}  ${run}`);
    console.log(`  ${"sweep".padEnd(width)}  ${"all checked".padEnd(12)}  ${"ideal".padEnd(8)}  ${"per check".padEnd(10)}  most at once`);
    for (const sweep of sweeps) {
      console.log(
        `  ${sweepLabel(sweep.concurrency).padEnd(width)}  ${seconds(sweep.sweepMs).padEnd(12)}  ${seconds(sweep.idealMs).padEnd(8)}  ${seconds(sweep.meanRunMs).padEnd(10)}  ${sweep.maxOverlap}`,
      );
    }

    // Issue 13 sets no target for the times; the bound is a rule, and the sweep's pace is read against its ideal.
    return [
      { name: `drift check vs no-change up, ${APPS} apps (POST to finished, medians)`, value: ratioE2e, unit: "x", target: "none set (reported)", met: true },
      { name: `drift check vs no-change up, ${APPS} apps (the runs alone, medians)`, value: ratioRun, unit: "x", target: "none set (reported)", met: true },
      ...sweeps.flatMap((sweep): BenchResult[] => [
        {
          name: `drift sweep of ${projects} projects, DRIFT_CONCURRENCY=${sweep.concurrency}, vs ${projects} x mean check / ${sweep.concurrency}`,
          value: sweep.sweepMs / sweep.idealMs,
          unit: "x",
          target: "<= 1.5",
          met: sweep.sweepMs / sweep.idealMs <= 1.5,
        },
        {
          name: `drift checks running at once, DRIFT_CONCURRENCY=${sweep.concurrency}`,
          value: sweep.maxOverlap,
          unit: "checks",
          target: `<= ${sweep.concurrency}`,
          met: sweep.maxOverlap <= sweep.concurrency,
        },
      ]),
    ];
  } finally {
    process.off("SIGINT", interrupted);
    process.off("SIGTERM", interrupted);
    await cleanUp();
  }
}
