/**
 * The deployment queue with the real engine: three projects deploy at once (three workers), while two
 * deployments of one project run one after the other, never overlapping on its stack.
 */
import { randomBytes } from "node:crypto";
import { AppsV1Api } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toolchainHome } from "../../../../toolchain/tools.mjs";
import { realPlatform } from "../test-support/cluster.js";
import { signUp, startTestPortal, type TestPortal } from "../test-support/portal.js";
import { createProject, deploy, waitForDeployment } from "../test-support/projects.js";

const suffix = randomBytes(3).toString("hex");
const projects = ["one", "two", "three"].map((name) => `queue-${name}-${suffix}`);

const span = (deployment: { startedAt: string | null; finishedAt: string | null }) => [Date.parse(deployment.startedAt!), Date.parse(deployment.finishedAt!)] as const;
const overlap = (a: readonly [number, number], b: readonly [number, number]) => a[0] < b[1] && b[0] < a[1];

describe.skipIf(!realPlatform)("the deployment queue with the real engine", () => {
  const platform = realPlatform!;
  let portal: TestPortal;
  let owner: string;
  beforeAll(async () => {
    portal = await startTestPortal({
      env: { DEPLOY_ENGINE: "pulumi", KUBECONFIG: platform.kubeconfig, BABYHELM_TOOLCHAIN_HOME: toolchainHome(), WORKER_CONCURRENCY: "3" },
    });
    owner = await signUp(portal, "queue@example.com");
    for (const project of projects) await createProject(portal, owner, project, [{ name: "web", image: "nginx:1.27", port: 80 }], { cpu: "500m", memory: "512Mi", pods: 4 });
  });
  afterAll(async () => {
    await portal?.stop();
  });

  it("runs three projects at once, and one project's two runs one after the other", async () => {
    const [first, second, third] = projects as [string, string, string];
    const ids = [await deploy(portal, owner, first), await deploy(portal, owner, first), await deploy(portal, owner, second), await deploy(portal, owner, third)];
    const [a1, a2, b, c] = await Promise.all([first, first, second, third].map((project, index) => waitForDeployment(portal, owner, project, ids[index]!, 420_000)));
    for (const deployment of [a1!, a2!, b!, c!]) expect(deployment.status, `${deployment.error}\n${deployment.log}`).toBe("succeeded");
    expect(overlap(span(a1!), span(a2!))).toBe(false);
    expect(span(a2!)[0]).toBeGreaterThanOrEqual(span(a1!)[1]);
    // The first run of each project was under way at the same time as the others'.
    expect(overlap(span(a1!), span(b!))).toBe(true);
    expect(overlap(span(a1!), span(c!))).toBe(true);
    expect(overlap(span(b!), span(c!))).toBe(true);
    // The second run of the first project found nothing to change.
    expect(Object.keys(a2!.summary ?? {})).toEqual(["same"]);
    for (const project of projects) {
      expect((await platform.kube.makeApiClient(AppsV1Api).readNamespacedDeployment({ name: "web", namespace: project })).status?.availableReplicas).toBe(1);
    }
  }, 600_000);
});
