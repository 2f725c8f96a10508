/**
 * Operations as code with the real engine against the test run's local cluster: a preview's plan is what
 * the deploy then does; a rollback restores image, env and secret in the cluster; an edit made straight
 * through the API server is reported as drift with its field, and a deploy with refresh puts it back.
 */
import { randomBytes } from "node:crypto";
import { AppsV1Api, CoreV1Api, PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { realPlatform } from "../test-support/cluster.js";
import { signUp, startTestPortal, type TestPortal } from "../test-support/portal.js";
import { createProject, waitForDeployment } from "../test-support/projects.js";
import { kindOf } from "./plan.js";

const name = `ops-${randomBytes(3).toString("hex")}`;
const FIRST_SECRET = "first-s3cret-value";
const SECOND_SECRET = "second-s3cret-value";
const web = {
  name: "web",
  image: "nginx:1.26",
  port: 80,
  replicas: 2,
  env: { LOG_LEVEL: "info" },
  secretEnv: { API_KEY: FIRST_SECRET },
  resources: { cpu: "100m", memory: "64Mi" },
};
const worker = { name: "worker", image: "busybox:1.36", command: ["sleep", "3600"], resources: { cpu: "50m", memory: "32Mi" } };

let portal: TestPortal;
let owner: string;

describe.skipIf(!realPlatform)("previews, rollback and drift with the real engine", () => {
  const platform = realPlatform!;
  const apps = () => platform.kube.makeApiClient(AppsV1Api);
  const core = () => platform.kube.makeApiClient(CoreV1Api);
  const container = async (app: string) => (await apps().readNamespacedDeployment({ name: app, namespace: name })).spec!.template.spec!.containers[0]!;

  async function deployAndWait(body: Record<string, unknown> = {}) {
    const started = await portal.request("POST", `/api/projects/${name}/deployments`, { cookie: owner, body });
    expect(started.status, started.text).toBe(202);
    const finished = await waitForDeployment(portal, owner, name, started.json.deployment.id, 240_000);
    expect(finished.status, `${finished.error}\n${finished.log}`).toBe("succeeded");
    return finished;
  }

  async function preview() {
    const answer = await portal.request("POST", `/api/projects/${name}/previews`, { cookie: owner, body: {} });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json.preview.status, answer.json.preview.error).toBe("succeeded");
    return answer.json.preview as { id: string; plan: { op: string; kind: string; name: string; changes: { field: string; before?: unknown; after?: unknown }[] }[] };
  }

  /** What the deploy did to each resource, from its stored progress: `op kind`, sorted. */
  async function stepsOf(deploymentId: string): Promise<string[]> {
    const rows = await portal.portal.database.knex("deployment_events").where({ deploymentId, type: "progress" }).orderBy("sequence");
    return rows
      .map((row: { data: { kind: string; op: string; type: string; status: string } }) => row.data)
      .filter((event) => event.kind === "resource" && event.status === "done" && !["same", "read", "refresh"].includes(event.op) && event.type.startsWith("kubernetes:"))
      .map((event) => `${event.op} ${kindOf(event.type)}`)
      .sort();
  }
  const planned = (plan: { op: string; kind: string }[]) => plan.map((step) => `${step.op} ${step.kind}`).sort();

  beforeAll(async () => {
    portal = await startTestPortal({ env: { DEPLOY_ENGINE: "pulumi", KUBECONFIG: platform.kubeconfig, DRIFT_CHECK_INTERVAL_MS: "0" } });
    owner = await signUp(portal, "ops@example.com");
    await createProject(portal, owner, name, [web, worker], { cpu: "1", memory: "1Gi", pods: 10 });
  });
  afterAll(async () => {
    await portal?.stop();
  });

  it("previews a first deploy as the creates it then makes, and a change as the one update with its fields", async () => {
    const first = await preview();
    expect(first.plan.every((step) => step.op === "create")).toBe(true);
    expect(first.plan.map((step) => `${step.kind} ${step.name}`)).toEqual(expect.arrayContaining(["Namespace " + name, "Deployment web", "Deployment worker", "Secret web-env"]));
    expect(JSON.stringify(first)).not.toContain(FIRST_SECRET);
    // Nothing was deployed by the preview, and it left no stack behind that a delete would have to destroy.
    expect((await portal.request("GET", `/api/projects/${name}`, { cookie: owner })).json.project.deployed).toBe(false);
    const deployed = await deployAndWait();
    expect(await stepsOf(deployed.id)).toEqual(planned(first.plan));

    const patched = await portal.request("PATCH", `/api/projects/${name}/apps/web`, {
      cookie: owner,
      body: { image: "nginx:1.27", replicas: 1, env: { LOG_LEVEL: "debug" }, secretEnv: { API_KEY: SECOND_SECRET } },
    });
    expect(patched.status, patched.text).toBe(200);
    const second = await preview();
    const update = second.plan.find((step) => step.kind === "Deployment" && step.name === "web");
    expect(update?.op).toBe("update");
    expect(update?.changes).toEqual(
      expect.arrayContaining([
        { field: "spec.template.spec.containers[0].image", before: "nginx:1.26", after: "nginx:1.27" },
        expect.objectContaining({ field: "spec.replicas", before: 2, after: 1 }),
      ]),
    );
    // The secret's new value shows as a changed Secret, never as a value.
    expect(second.plan.find((step) => step.kind === "Secret")?.op).toMatch(/update|replace/);
    expect(JSON.stringify(second)).not.toContain(SECOND_SECRET);
    expect(JSON.stringify(second)).not.toContain(Buffer.from(SECOND_SECRET).toString("base64"));
    const redeployed = await deployAndWait();
    expect(await stepsOf(redeployed.id)).toEqual(planned(second.plan));
    expect((await container("web")).image).toBe("nginx:1.27");

    // Each deployment kept what it deployed: the spec (secrets masked), the SDK version and a digest.
    const kept = await portal.request("GET", `/api/projects/${name}/deployments/${deployed.id}/spec`, { cookie: owner });
    expect(kept.json).toMatchObject({ sdkVersion: expect.stringMatching(/^\d+\.\d+\.\d+/), manifestsDigest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
    expect(kept.json.spec.apps[0]).toMatchObject({ image: "nginx:1.26", secretEnv: { API_KEY: "********" } });
    const diff = await portal.request("GET", `/api/projects/${name}/deployments/${redeployed.id}/diff?from=${deployed.id}`, { cookie: owner });
    expect(diff.json.spec).toEqual(
      expect.arrayContaining([
        { path: "apps[web].image", before: "nginx:1.26", after: "nginx:1.27" },
        { path: "apps[web].secretEnv.API_KEY", before: "********", after: "********" },
      ]),
    );
    // Manifests are kept masked: the new secret value shows as the pod template's checksum, which rolls the pods.
    const webChange = diff.json.manifests.find((change: { object: string }) => change.object === `Deployment ${name}/web`);
    expect(webChange.changes.map((change: { path: string }) => change.path)).toEqual(
      expect.arrayContaining(["spec.replicas", "spec.template.spec.containers[web].image", 'spec.template.metadata.annotations["babyhelm.io/secret-env-checksum"]']),
    );
    expect(diff.text).not.toContain(FIRST_SECRET);
    expect(diff.text).not.toContain(SECOND_SECRET);

    // Rollback: the first deployment's apps are the project's again, and deployed.
    const rollback = await portal.request("POST", `/api/projects/${name}/deployments/${deployed.id}/rollback`, { cookie: owner, body: {} });
    expect(rollback.status, rollback.text).toBe(202);
    expect(rollback.json.deployment.rollbackOf).toBe(deployed.id);
    expect((await waitForDeployment(portal, owner, name, rollback.json.deployment.id, 240_000)).status).toBe("succeeded");
    const restored = await container("web");
    expect(restored.image).toBe("nginx:1.26");
    expect(restored.env).toEqual(expect.arrayContaining([{ name: "LOG_LEVEL", value: "info" }]));
    const secret = await core().readNamespacedSecret({ name: "web-env", namespace: name });
    expect(Buffer.from(secret.data!.API_KEY!, "base64").toString()).toBe(FIRST_SECRET);
    expect((await apps().readNamespacedDeployment({ name: "web", namespace: name })).spec!.replicas).toBe(2);
    const app = await portal.request("GET", `/api/projects/${name}`, { cookie: owner });
    expect(app.json.project.apps.find((entry: { name: string }) => entry.name === "web")).toMatchObject({ image: "nginx:1.26", replicas: 2 });
    const audit = await portal.portal.database.knex("audit_log").where({ action: "deployment.rollback" });
    expect(audit).toHaveLength(1);
  }, 600_000);

  it("refuses a rollback whose apps no longer fit the project, naming the field, and changes nothing", async () => {
    const list = await portal.request("GET", `/api/projects/${name}/deployments`, { cookie: owner });
    const second = list.json.items.filter((item: { kind: string; status: string }) => item.kind === "up" && item.status === "succeeded").at(-2);
    const before = (await portal.request("GET", `/api/projects/${name}/spec`, { cookie: owner })).json;
    // web at 2 replicas of 100m plus worker 50m need 250m; the quota shrinks below that.
    const shrunk = await portal.request("PATCH", `/api/projects/${name}/apps/web`, { cookie: owner, body: { replicas: 1 } });
    expect(shrunk.status).toBe(200);
    const quota = await portal.request("PATCH", `/api/projects/${name}`, { cookie: owner, body: { quota: { cpu: "300m" } } });
    expect(quota.status, quota.text).toBe(200);
    const oldest = list.json.items.filter((item: { kind: string }) => item.kind === "up").at(-1);
    const refused = await portal.request("POST", `/api/projects/${name}/deployments/${oldest.id}/rollback`, { cookie: owner, body: {} });
    expect(refused.status, refused.text).toBe(409);
    expect(refused.json.error.code).toBe("no_longer_valid");
    expect(refused.json.error.message).toMatch(/quota|resources\.cpu/);
    expect(refused.json.error.details[0].path).toMatch(/^(quota\.cpu|apps\[\d\]\.)/);
    const after = (await portal.request("GET", `/api/projects/${name}/spec`, { cookie: owner })).json;
    expect(after.apps).toEqual(before.apps.map((entry: { name: string }) => (entry.name === "web" ? { ...entry, replicas: 1 } : entry)));
    expect(second).toBeDefined();
    expect((await portal.request("PATCH", `/api/projects/${name}`, { cookie: owner, body: { quota: { cpu: "1" } } })).status).toBe(200);
  }, 120_000);

  it("reports an edit made through the API server as drift, with its field, and a deploy with refresh puts it back", async () => {
    await deployAndWait();
    expect((await portal.request("GET", `/api/projects/${name}/drift`, { cookie: owner })).json.drift.state).toBe("unchecked");
    const clean = await portal.request("POST", `/api/projects/${name}/drift?wait=60`, { cookie: owner, body: {} });
    expect(clean.status, clean.text).toBe(200);
    expect(clean.json.drift).toMatchObject({ state: "in_sync", resources: [] });

    // As `kubectl set image` would: a strategic merge patch of the container's image.
    await apps().patchNamespacedDeployment(
      { name: "worker", namespace: name, body: { spec: { template: { spec: { containers: [{ name: "worker", image: "busybox:1.37" }] } } } } },
      setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch),
    );
    expect((await container("worker")).image).toBe("busybox:1.37");
    const drifted = await portal.request("POST", `/api/projects/${name}/drift?wait=60`, { cookie: owner, body: {} });
    const log = (await portal.request("GET", `/api/projects/${name}/deployments/${drifted.json.check.id}`, { cookie: owner })).json.deployment.log;
    expect(drifted.json.drift.state, `${JSON.stringify(drifted.json)}\n${log}`).toBe("drifted");
    expect(drifted.json.drift.resources).toEqual([
      {
        op: "update",
        kind: "Deployment",
        name: "worker",
        changes: [expect.objectContaining({ field: expect.stringMatching(/containers\[0\]\.image$/), before: "busybox:1.37", after: "busybox:1.36" })],
      },
    ]);
    // The check changed nothing.
    expect((await container("worker")).image).toBe("busybox:1.37");

    await deployAndWait({ refresh: true });
    expect((await container("worker")).image).toBe("busybox:1.36");
    expect((await portal.request("GET", `/api/projects/${name}/drift`, { cookie: owner })).json.drift.state).toBe("reconciled");
    const again = await portal.request("POST", `/api/projects/${name}/drift?wait=60`, { cookie: owner, body: {} });
    expect(again.json.drift.state).toBe("in_sync");
  }, 600_000);
});
