/**
 * A platform-wide upgrade against the test run's local cluster. The portal is restarted with another
 * public ingress class, which changes the render of exactly the projects that have a domain (as a newer
 * SDK would change some projects and not others); the admin sees those projects with the changed field,
 * nothing is redeployed until they roll it out, and the rollout upgrades the canary before the others.
 */
import { randomBytes } from "node:crypto";
import { NetworkingV1Api } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { realPlatform } from "../test-support/cluster.js";
import { signUp, startTestPortal, type TestPortal } from "../test-support/portal.js";
import { createProject, deploy, waitForDeployment } from "../test-support/projects.js";

const suffix = randomBytes(3).toString("hex");
const [first, second, plain] = [`upa-${suffix}`, `upb-${suffix}`, `upc-${suffix}`];
const withDomain = (project: string) => [{ name: "web", image: "nginx:1.27", port: 80, domain: `web.${project}.example.test`, resources: { cpu: "50m", memory: "32Mi" } }];

let portal: TestPortal;
let admin: string;
let member: string;

describe.skipIf(!realPlatform)("platform upgrades with the real engine", () => {
  const platform = realPlatform!;
  const engineEnv = { DEPLOY_ENGINE: "pulumi", KUBECONFIG: platform.kubeconfig, DRIFT_CHECK_INTERVAL_MS: "0" };
  const ingressClass = async (project: string) =>
    (await platform.kube.makeApiClient(NetworkingV1Api).readNamespacedIngress({ name: "web", namespace: project })).spec?.ingressClassName;

  beforeAll(async () => {
    portal = await startTestPortal({ env: engineEnv });
    admin = await signUp(portal, "admin@example.com");
    member = await signUp(portal, "member@example.com");
    await createProject(portal, member, first, withDomain(first));
    await createProject(portal, member, second, withDomain(second));
    await createProject(portal, member, plain, [{ name: "worker", image: "busybox:1.36", command: ["sleep", "3600"], resources: { cpu: "50m", memory: "32Mi" } }]);
    for (const project of [first, second, plain]) {
      const finished = await waitForDeployment(portal, member, project, await deploy(portal, member, project), 240_000);
      expect(finished.status, `${finished.error}\n${finished.log}`).toBe("succeeded");
    }
  }, 600_000);
  afterAll(async () => {
    await portal?.stop();
  });

  it("lists exactly the projects a redeploy would change, with the field, and upgrades them canary first", async () => {
    const before = await portal.request("GET", "/api/admin/upgrades", { cookie: admin });
    expect(
      before.json.projects.filter((project: { project: string }) => [first, second, plain].includes(project.project)).map((project: { changed: boolean }) => project.changed),
    ).toEqual([false, false, false]);
    expect((await portal.request("POST", "/api/admin/upgrades", { cookie: admin, body: {} })).json.error.code).toBe("nothing_to_upgrade");
    expect((await portal.request("GET", "/api/admin/upgrades", { cookie: member })).status).toBe(403);

    await portal.stop({ keepDataDir: true });
    portal = await startTestPortal({ env: { ...engineEnv, DATABASE_URL: portal.config.databaseUrl!, DATA_DIR: portal.config.dataDir, PLATFORM_INGRESS_CLASS: "nginx-v2" } });
    const plan = await portal.request("GET", "/api/admin/upgrades", { cookie: admin });
    const ours = plan.json.projects.filter((project: { project: string }) => [first, second, plain].includes(project.project));
    expect(ours.map((project: { project: string; changed: boolean }) => [project.project, project.changed])).toEqual([
      [first, true],
      [second, true],
      [plain, false],
    ]);
    expect(ours[0].deployedWith).toBe(plan.json.sdkVersion);
    expect(ours[0].changes).toEqual([{ object: `Ingress ${first}/web`, op: "changed", changes: [{ path: "spec.ingressClassName", before: "nginx", after: "nginx-v2" }] }]);
    // Nothing was redeployed by the restart or the listing.
    expect(await ingressClass(first)).toBe("nginx");

    const refused = await portal.request("POST", "/api/admin/upgrades", { cookie: admin, body: { projects: [first, plain], concurrency: 20 } });
    expect(refused.status).toBe(400);
    expect(refused.json.error.details).toEqual(expect.arrayContaining([{ path: "concurrency", message: "must be at most 10" }]));
    const notAffected = await portal.request("POST", "/api/admin/upgrades", { cookie: admin, body: { projects: [first, plain] } });
    expect(notAffected.json.error.details).toEqual([{ path: "projects[1]", message: `a redeploy would not change "${plain}"; leave it out` }]);

    const started = await portal.request("POST", "/api/admin/upgrades", { cookie: admin, body: { canary: second, concurrency: 2 } });
    expect(started.status, started.text).toBe(202);
    expect(started.json.upgrade.projects.map((project: { project: string; canary: boolean }) => [project.project, project.canary])).toEqual([
      [second, true],
      [first, false],
    ]);
    let upgrade = started.json.upgrade;
    for (const deadline = Date.now() + 300_000; upgrade.status === "running" && Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 500))) {
      upgrade = (await portal.request("GET", `/api/admin/upgrades/${upgrade.id}`, { cookie: admin })).json.upgrade;
    }
    expect(upgrade.status, JSON.stringify(upgrade)).toBe("succeeded");
    const runs = await Promise.all(
      upgrade.projects.map(
        async (project: { project: string; deploymentId: string }) =>
          (await portal.request("GET", `/api/projects/${project.project}/deployments/${project.deploymentId}`, { cookie: member })).json.deployment,
      ),
    );
    // The canary had finished before the other started.
    expect(new Date(runs[0].finishedAt).getTime()).toBeLessThanOrEqual(new Date(runs[1].startedAt).getTime());
    expect(runs.map((run: { upgradeId: string }) => run.upgradeId)).toEqual([upgrade.id, upgrade.id]);
    expect(await ingressClass(first)).toBe("nginx-v2");
    expect(await ingressClass(second)).toBe("nginx-v2");
    const after = await portal.request("GET", "/api/admin/upgrades", { cookie: admin });
    expect(after.json.projects.filter((project: { project: string; changed: boolean }) => [first, second, plain].includes(project.project) && project.changed)).toEqual([]);
    expect(after.json.rollouts[0]).toMatchObject({ id: upgrade.id, status: "succeeded" });
  }, 600_000);
});
