import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUp, startTestPortal, type TestPortal } from "../test-support/portal.js";

let portal: TestPortal;
let owner: string;
beforeAll(async () => {
  portal = await startTestPortal({ env: { DEPLOY_ENGINE: "mock", MOCK_ENGINE_STEP_MS: "20" } });
  owner = await signUp(portal, "owner@example.com");
});
afterAll(async () => {
  await portal?.stop();
});

async function waitForDeployment(project: string, id: string, cookie = owner) {
  for (let attempt = 0; attempt < 300; attempt++) {
    const { json } = await portal.request("GET", `/api/projects/${project}/deployments/${id}`, { cookie });
    if (["succeeded", "failed", "cancelled"].includes(json.deployment.status)) return json.deployment;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("the deployment did not finish");
}

describe("projects, apps and deployments", () => {
  it("creates a project, adds an app, renders its manifests and deploys it with the test engine", async () => {
    const created = await portal.request("POST", "/api/projects", { cookie: owner, body: { name: "shop", displayName: "Shop" } });
    expect(created.status, created.text).toBe(201);
    expect(created.json.project).toMatchObject({ name: "shop", displayName: "Shop", role: "owner", quota: { cpu: "2", memory: "4Gi", pods: 20 } });

    const app = await portal.request("POST", "/api/projects/shop/apps", {
      cookie: owner,
      body: { name: "web", image: "nginx:1.27", port: 80, secretEnv: { API_KEY: "s3cr3t-value" } },
    });
    expect(app.status, app.text).toBe(201);
    expect(app.json.app).toMatchObject({ name: "web", image: "nginx:1.27", port: 80, secretEnv: { API_KEY: "********" } });

    const manifests = await portal.request("GET", "/api/projects/shop/manifests", { cookie: owner });
    expect(manifests.status).toBe(200);
    expect(manifests.headers.get("content-type")).toMatch(/yaml/);
    expect(manifests.text).toContain("kind: Deployment");
    expect(manifests.text).not.toContain("s3cr3t-value");

    const spec = await portal.request("GET", "/api/projects/shop/spec", { cookie: owner });
    expect(spec.json.apps[0].secretEnv).toEqual({ API_KEY: "********" });

    const started = await portal.request("POST", "/api/projects/shop/deployments", { cookie: owner, body: {} });
    expect(started.status, started.text).toBe(202);
    expect(started.json.deployment.status).toBe("queued");
    const done = await waitForDeployment("shop", started.json.deployment.id);
    expect(done.status, done.error).toBe("succeeded");
    expect(done.log).toContain("kubernetes:apps/v1:Deployment shop/web");
    expect(done.log).not.toContain("s3cr3t-value");
    expect(done.summary).toEqual({ create: expect.any(Number) });

    const list = await portal.request("GET", "/api/projects", { cookie: owner });
    expect(list.json.items).toEqual([expect.objectContaining({ name: "shop", role: "owner", appCount: 1, lastDeployment: expect.objectContaining({ status: "succeeded" }) })]);
  });
});
