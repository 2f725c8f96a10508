/**
 * `npm run e2e`: a real deploy and destroy through the portal, with the real Pulumi engine, against the
 * cluster of the current kube context (kind works). Where there is no Pulumi CLI or no kube context it
 * says so plainly and exits 2: it never pretends to have run.
 */
import { execFile } from "node:child_process";
import { chmodSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { loadConfig } from "../portal/server/src/config.js";
import { createLogger } from "../portal/server/src/logger.js";
import { startPortal } from "../portal/server/src/server.js";
import { Passwords } from "../portal/server/src/services/passwords.js";

const run = promisify(execFile);
const config = loadConfig({ ...process.env, DATA_DIR: mkdtempSync(join(tmpdir(), "babyhelm-e2e-")), PORT: "0", HOST: "127.0.0.1", DEPLOY_ENGINE: "pulumi" });

async function notRun(reason: string): Promise<never> {
  console.log(`e2e: NOT RUN. ${reason}`);
  process.exit(2);
}

async function main() {
  const cli = config.pulumi.cliPath ?? "pulumi";
  const version = await run(cli, ["version"]).catch(() => undefined);
  if (!version) await notRun(`No Pulumi CLI (${config.pulumi.cliPath ? `PULUMI_CLI_PATH=${config.pulumi.cliPath}` : "`pulumi` is not on PATH"}). Install it from https://www.pulumi.com/docs/install/ or set PULUMI_CLI_PATH.`);
  const context = await run("kubectl", ["config", "current-context"]).catch(() => undefined);
  if (!context) await notRun("No Kubernetes context (`kubectl config current-context` failed). Create a cluster, e.g. `kind create cluster`, or set KUBECONFIG.");
  console.log(`e2e: pulumi ${version!.stdout.trim()}, kube context ${context!.stdout.trim()}`);

  chmodSync(config.dataDir, 0o755);
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
      for (const deadline = Date.now() + 15 * 60_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 2000))) {
        const current = (await call("GET", `/api/projects/${namespace}/deployments/${id}`, cookie)).json.deployment;
        if (["succeeded", "failed", "cancelled"].includes(current.status)) return current;
      }
      throw new Error(`deployment ${id} did not finish in 15 minutes`);
    };
    const deployed = await waitFor(deployment.id);
    if (deployed.status !== "succeeded") throw new Error(`the deployment ${deployed.status}: ${deployed.error}\n${deployed.log}`);
    await run("kubectl", ["-n", namespace, "rollout", "status", "deployment/web", "--timeout=120s"]);
    console.log(`e2e: deployed ${namespace}/web, rolled out`);

    await call("DELETE", `/api/projects/${namespace}`, cookie);
    for (const deadline = Date.now() + 15 * 60_000; ; await new Promise((resolve) => setTimeout(resolve, 2000))) {
      const gone = await fetch(`${portal.url}/api/projects/${namespace}`, { headers: { cookie } });
      if (gone.status === 404) break;
      if (Date.now() > deadline) throw new Error("the project was not destroyed in 15 minutes");
    }
    const left = await run("kubectl", ["get", "namespace", namespace, "-o", "jsonpath={.status.phase}"]).catch(() => ({ stdout: "gone" }));
    if (!["gone", "Terminating"].includes(left.stdout.trim())) throw new Error(`namespace ${namespace} is still ${left.stdout}`);
    console.log(`e2e: PASSED (deployed and destroyed ${namespace})`);
  } finally {
    await portal.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`e2e: FAILED. ${(error as Error).message}`);
  process.exit(1);
});
