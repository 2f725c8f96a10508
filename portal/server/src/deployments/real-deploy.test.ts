/**
 * Deployments through the portal with the real engine: the toolchain's Pulumi CLI and Kubernetes provider,
 * Automation API inline programs, and the test run's local cluster (a real API server, controllers and
 * scheduler; kwok pods). Everything is checked where a user would look: the cluster, the portal's answers,
 * the Pulumi state on disk.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AppsV1Api, CoreV1Api, type V1Pod } from "@kubernetes/client-node";
import { parseProjectSpec, type ProjectSpecInput } from "@babyhelm/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pulumiHome } from "../../../../toolchain/tools.mjs";
import { namespaceExists, realPlatform } from "../test-support/cluster.js";
import { projectSecretChecksumKey } from "../services/secret-checksum-key.js";
import { expectClusterToMatchRender, liveProjectObjects } from "../test-support/live-objects.js";
import { signUp, startTestPortal, type TestPortal } from "../test-support/portal.js";
import { createProject, deploy, waitForDeployment } from "../test-support/projects.js";
import { tempDir } from "../../../../test/support/temp-dir.js";

const name = `real-${randomBytes(3).toString("hex")}`;
const SECRET = "s3cr3t-real-value";
const NEW_SECRET = "rotated-s3cr3t-value";
const web = {
  name: "web",
  image: "nginx:1.27",
  port: 80,
  env: { LOG_LEVEL: "info" },
  secretEnv: { API_KEY: SECRET },
  healthCheck: { path: "/healthz" },
  domain: `web.${name}.example.test`,
  autoscale: { min: 2, max: 4, cpuPercent: 70 },
};
const worker = { name: "worker", image: "busybox:1.36", command: ["sleep", "3600"] };

let portal: TestPortal;
let owner: string;
/** Every command line the portal gave the CLI: the real CLI, behind a wrapper that writes them down. */
let argvLog: string;

/** The spec the portal deploys: its own answer, with the secret values it masks put back. */
async function deployedSpec(secrets: Record<string, Record<string, string>>): Promise<ProjectSpecInput> {
  const { json } = await portal.request("GET", `/api/projects/${name}/spec`, { cookie: owner });
  for (const app of json.apps) if (secrets[app.name]) app.secretEnv = secrets[app.name];
  return parseProjectSpec(json);
}

/** The key the portal keys this project's secret checksum with (derived from its SECRETS_KEY). */
const checksumKey = () => projectSecretChecksumKey(portal.config.secretsKey, name);

async function deployAndWait(): Promise<Awaited<ReturnType<typeof waitForDeployment>>> {
  const finished = await waitForDeployment(portal, owner, name, await deploy(portal, owner, name), 240_000);
  expect(finished.status, `${finished.error}\n${finished.log}`).toBe("succeeded");
  return finished;
}

describe.skipIf(!realPlatform)("deploying through the portal with the real engine", () => {
  const platform = realPlatform!;
  const apps = () => platform.kube.makeApiClient(AppsV1Api);
  const core = () => platform.kube.makeApiClient(CoreV1Api);

  beforeAll(async () => {
    const dir = tempDir("cli-wrapper");
    argvLog = join(dir, "argv.log");
    writeFileSync(argvLog, "");
    writeFileSync(join(dir, "pulumi-wrapped"), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${argvLog}'\nexec '${platform.pulumi}' "$@"\n`);
    chmodSync(join(dir, "pulumi-wrapped"), 0o755);
    // A CLI named by PULUMI_CLI_PATH gets no PULUMI_HOME from the toolchain: it is given here.
    portal = await startTestPortal({ env: { DEPLOY_ENGINE: "pulumi", KUBECONFIG: platform.kubeconfig, PULUMI_CLI_PATH: join(dir, "pulumi-wrapped"), PULUMI_HOME: pulumiHome() } });
    owner = await signUp(portal, "real@example.com");
    await createProject(portal, owner, name, [web, worker], { cpu: "2", memory: "2Gi", pods: 10 });
  });
  afterAll(async () => {
    await portal?.stop();
  });

  it("creates exactly the rendered objects, field by field; apps are available, the Secret real, the state encrypted", async () => {
    const first = await deployAndWait();
    expect(first.summary).toMatchObject({ create: expect.any(Number) });
    await expectClusterToMatchRender(platform.kube, await deployedSpec({ web: { API_KEY: SECRET } }), { secretChecksumKey: checksumKey() });

    // The autoscaler owns web's replica count (the Deployment leaves it out): it raises it to min within
    // its sync period, without metrics.
    let webDeployment = await apps().readNamespacedDeployment({ name: "web", namespace: name });
    for (const deadline = Date.now() + 90_000; webDeployment.status?.availableReplicas !== 2 && Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 500))) {
      webDeployment = await apps().readNamespacedDeployment({ name: "web", namespace: name });
    }
    expect(webDeployment.status, JSON.stringify(webDeployment.status)).toMatchObject({ replicas: 2, availableReplicas: 2, updatedReplicas: 2 });
    expect((await apps().readNamespacedDeployment({ name: "worker", namespace: name })).status?.availableReplicas).toBe(1);
    const secret = await core().readNamespacedSecret({ name: "web-env", namespace: name });
    expect(Buffer.from(secret.data!.API_KEY!, "base64").toString()).toBe(SECRET);
    // Served, as an ingress controller would report it.
    const ingress = (await liveProjectObjects(platform.kube, name)).find((object) => object.kind === "Ingress") as { status?: { loadBalancer?: { ingress?: unknown[] } } };
    expect(ingress.status?.loadBalancer?.ingress).toEqual([{ ip: "127.0.0.1" }]);

    const state = readFileSync(join(portal.config.dataDir, "pulumi-state", ".pulumi", "stacks", "babyhelm-project", `${name}.json`), "utf8");
    expect(state).toContain("4dabf18193072939515e22adb298388d"); // Pulumi's marker of an encrypted secret
    expect(state).not.toContain(SECRET);
    expect(state).not.toContain(Buffer.from(SECRET).toString("base64"));
    expect(JSON.stringify(first)).not.toContain(SECRET);
    // No secret value on a command line, where every local user can read it.
    expect(readFileSync(argvLog, "utf8")).toMatch(/^up .*--exec-kind auto\.inline/m);
    expect(readFileSync(argvLog, "utf8")).not.toContain(SECRET);
    expect(portal.logs.join("")).not.toContain(SECRET);
  }, 300_000);

  it("enforces Pod Security, the quota and the LimitRange for real, for pods sent straight to the API server", async () => {
    const pod = (podName: string, container: Record<string, unknown>): V1Pod => ({
      metadata: { name: podName, namespace: name },
      spec: { containers: [{ name: "main", image: "busybox:1.36", ...container }] },
    });
    // The API server's own words: "<code> <Status message>".
    const refusal = (promise: Promise<unknown>) =>
      promise.then(
        () => "created",
        (error: { code?: number; body?: string }) => `${error.code} ${(JSON.parse(error.body ?? "{}") as { message?: string }).message ?? ""}`,
      );
    const privileged = await refusal(core().createNamespacedPod({ namespace: name, body: pod("privileged", { securityContext: { privileged: true } }) }));
    expect(privileged).toMatch(/^403 pods "privileged" is forbidden: violates PodSecurity "baseline:latest": privileged/);
    const greedy = await refusal(
      core().createNamespacedPod({ namespace: name, body: pod("greedy", { resources: { requests: { cpu: "4", memory: "64Mi" }, limits: { cpu: "4", memory: "64Mi" } } }) }),
    );
    expect(greedy).toMatch(/^403 pods "greedy" is forbidden: exceeded quota: babyhelm-quota/);
    const plain = await core().createNamespacedPod({ namespace: name, body: pod("plain", {}) });
    expect(plain.spec!.containers[0]!.resources).toEqual({ requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "100m", memory: "128Mi" } });
    await core().deleteNamespacedPod({ name: "plain", namespace: name, gracePeriodSeconds: 0 });
  }, 60_000);

  it("updates image, env and secret in place with a rollout, and a deploy without changes changes nothing", async () => {
    const before = await apps().readNamespacedDeployment({ name: "web", namespace: name });
    const patched = await portal.request("PATCH", `/api/projects/${name}/apps/web`, {
      cookie: owner,
      body: { image: "nginx:1.27.3", env: { LOG_LEVEL: "debug" }, secretEnv: { API_KEY: NEW_SECRET } },
    });
    expect(patched.status, patched.text).toBe(200);
    expect((await portal.request("PATCH", `/api/projects/${name}/apps/worker`, { cookie: owner, body: { replicas: 2 } })).status).toBe(200);
    const update = await deployAndWait();
    expect(update.summary).toMatchObject({ update: expect.any(Number) });
    // In place: nothing replaced (a replaced Secret would be missing for a moment), nothing deleted. The
    // worker's PodDisruptionBudget is new: it has two replicas now.
    expect(update.summary, update.log).not.toHaveProperty("replace");
    expect(update.summary).not.toHaveProperty("delete");
    expect(update.summary).toMatchObject({ create: 1 });

    const after = await apps().readNamespacedDeployment({ name: "web", namespace: name });
    expect(after.metadata!.uid).toBe(before.metadata!.uid);
    expect(after.metadata!.generation).toBeGreaterThan(before.metadata!.generation!);
    expect(after.spec!.template.spec!.containers[0]!.image).toBe("nginx:1.27.3");
    expect(after.spec!.template.spec!.containers[0]!.env).toContainEqual({ name: "LOG_LEVEL", value: "debug" });
    expect(after.status).toMatchObject({ observedGeneration: after.metadata!.generation, updatedReplicas: 2, availableReplicas: 2 });
    const secret = await core().readNamespacedSecret({ name: "web-env", namespace: name });
    expect(Buffer.from(secret.data!.API_KEY!, "base64").toString()).toBe(NEW_SECRET);
    expect((await apps().readNamespacedDeployment({ name: "worker", namespace: name })).status?.availableReplicas).toBe(2);
    await expectClusterToMatchRender(platform.kube, await deployedSpec({ web: { API_KEY: NEW_SECRET } }), { secretChecksumKey: checksumKey() });

    for (const secret of [SECRET, NEW_SECRET]) expect(readFileSync(argvLog, "utf8") + portal.logs.join("") + JSON.stringify(update)).not.toContain(secret);

    const unchanged = await deployAndWait();
    expect(Object.keys(unchanged.summary ?? {})).toEqual(["same"]);
    expect((await apps().readNamespacedDeployment({ name: "web", namespace: name })).metadata!.generation).toBe(after.metadata!.generation);
  }, 480_000);

  it("deletes a removed app's objects, and destroys the stack and the namespace with the project", async () => {
    expect((await portal.request("DELETE", `/api/projects/${name}/apps/worker`, { cookie: owner })).status).toBe(204);
    const removal = await deployAndWait();
    expect(removal.summary).toMatchObject({ delete: expect.any(Number) });
    const gone = await apps()
      .readNamespacedDeployment({ name: "worker", namespace: name })
      .then(
        () => "still there",
        (error: { code?: number }) => error.code,
      );
    expect(gone).toBe(404);
    await expectClusterToMatchRender(platform.kube, await deployedSpec({ web: { API_KEY: NEW_SECRET } }), { secretChecksumKey: checksumKey() });

    const deleted = await portal.request("DELETE", `/api/projects/${name}`, { cookie: owner });
    expect(deleted.status).toBe(202);
    expect(deleted.json.deployment).toMatchObject({ kind: "destroy", status: "queued" });
    // The records go once the stack is destroyed: the project then answers 404.
    for (const deadline = Date.now() + 240_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 500))) {
      if ((await portal.request("GET", `/api/projects/${name}`, { cookie: owner })).status === 404) break;
    }
    expect((await portal.request("GET", `/api/projects/${name}`, { cookie: owner })).status).toBe(404);
    expect(await namespaceExists(platform.kube, name)).toBe(false);
    expect(await liveProjectObjects(platform.kube, name)).toEqual([]);
  }, 480_000);
});
