/**
 * `npm run e2e`: a real deploy and destroy through the portal, with the real Pulumi engine. The cluster is
 * the one KUBECONFIG names, or, without KUBECONFIG, a local cluster started for the run (`npm run
 * toolchain` builds it). Where there is no Pulumi CLI or no cluster it says so plainly and exits 2: it
 * never pretends to have run. Checks what a user would: the Deployment is available with both replicas,
 * and after the project is deleted its namespace is gone.
 */
import { mkdtempSync, chmodSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { AppsV1Api, CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { loadConfig } from "../portal/server/src/config.js";
import { findPulumiCli } from "../portal/server/src/deployments/pulumi-cli.js";
import { createLogger } from "../portal/server/src/logger.js";
import { startPortal } from "../portal/server/src/server.js";
import { Passwords } from "../portal/server/src/services/passwords.js";
import { clusterBinaries, startCluster, type LocalCluster } from "./cluster/cluster.js";

function notRun(reason: string): never {
  console.log(`e2e: NOT RUN. ${reason}`);
  process.exit(2);
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), "babyhelm-e2e-"));
  chmodSync(dataDir, 0o755);
  const config = loadConfig({ ...process.env, DATA_DIR: join(dataDir, "portal"), PORT: "0", HOST: "127.0.0.1", DEPLOY_ENGINE: "pulumi" });
  try {
    console.log(`e2e: Pulumi CLI ${findPulumiCli(config.pulumi, process.env.PATH).path}`);
  } catch (error) {
    notRun((error as Error).message);
  }
  let cluster: LocalCluster | undefined;
  if (!config.kubeconfig) {
    try {
      clusterBinaries();
    } catch (error) {
      notRun(`No KUBECONFIG, and no local cluster: ${(error as Error).message}.`);
    }
    cluster = await startCluster({ dataDir: join(dataDir, "cluster") });
    config.kubeconfig = cluster.kubeconfigPath;
    console.log(`e2e: started a local cluster (${cluster.server})`);
  }
  const kubeconfig = config.kubeconfig;
  const kube = new KubeConfig();
  kube.loadFromFile(kubeconfig);
  const apps = kube.makeApiClient(AppsV1Api);
  const core = kube.makeApiClient(CoreV1Api);

  const portal = await startPortal(config, createLogger({ logLevel: "warn" }));
  const namespace = `babyhelm-e2e-${Date.now().toString(36)}`;
  try {
    const passwordHash = await new Passwords(4).hash("correct horse battery");
    await portal.database.knex("users").insert({ email: "e2e@example.com", name: "E2E", passwordHash, emailConfirmedAt: new Date(), isAdmin: true });
    const call = async (method: string, path: string, cookie?: string, body?: unknown) => {
      const response = await fetch(`${portal.url}${path}`, {
        method,
        headers: { ...(cookie ? { cookie } : {}), ...(method === "GET" ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      if (response.status >= 400) throw new Error(`${method} ${path}: ${response.status} ${text}`);
      return { json: text ? JSON.parse(text) : undefined, headers: response.headers };
    };
    const login = await call("POST", "/api/auth/login", undefined, { email: "e2e@example.com", password: "correct horse battery" });
    const cookie = login.headers.getSetCookie()[0]!.split(";")[0]!;
    await call("POST", "/api/projects", cookie, { name: namespace, quota: { cpu: "1", memory: "1Gi" } });
    await call("POST", `/api/projects/${namespace}/apps`, cookie, { name: "web", image: "nginx:1.27", port: 80, replicas: 2 });
    const deployment = (await call("POST", `/api/projects/${namespace}/deployments`, cookie, {})).json.deployment;
    const waitFor = async (id: string) => {
      for (const deadline = Date.now() + 15 * 60_000; Date.now() < deadline; await sleep(1000)) {
        const current = (await call("GET", `/api/projects/${namespace}/deployments/${id}`, cookie)).json.deployment;
        if (["succeeded", "failed", "cancelled"].includes(current.status)) return current;
      }
      throw new Error(`deployment ${id} did not finish in 15 minutes`);
    };
    const deployed = await waitFor(deployment.id);
    if (deployed.status !== "succeeded") throw new Error(`the deployment ${deployed.status}: ${deployed.error}\n${JSON.stringify(deployed.log)}`);
    const web = await apps.readNamespacedDeployment({ name: "web", namespace });
    if (web.status?.availableReplicas !== 2) throw new Error(`deployment/web has ${web.status?.availableReplicas ?? 0} available replicas, not 2`);
    console.log(`e2e: deployed ${namespace}/web, 2 replicas available`);

    await call("DELETE", `/api/projects/${namespace}`, cookie);
    for (const deadline = Date.now() + 15 * 60_000; ; await sleep(1000)) {
      const gone = await fetch(`${portal.url}/api/projects/${namespace}`, { headers: { cookie } });
      if (gone.status === 404) break;
      if (Date.now() > deadline) throw new Error("the project was not destroyed in 15 minutes");
    }
    const left = await core.readNamespace({ name: namespace }).then(
      (ns) => ns.status?.phase ?? "unknown",
      (error: { code?: number }) => (error.code === 404 ? "gone" : Promise.reject(error)),
    );
    if (left !== "gone") throw new Error(`namespace ${namespace} is still there (${left})`);
    console.log(`e2e: PASSED (deployed and destroyed ${namespace})`);
  } finally {
    await portal.stop();
    await cluster?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`e2e: FAILED. ${(error as Error).message}`);
  process.exit(1);
});
