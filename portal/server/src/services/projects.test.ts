import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUp, startTestPortal, type TestPortal } from "../test-support/portal.js";
import { createProject, deploy, waitForDeployment } from "../test-support/projects.js";
import { secretContext } from "./project-spec.js";
import { decryptJson } from "./secret-box.js";

const SECRET = "sup3r-s3cret-database-password";
let portal: TestPortal;
let owner: string;
beforeAll(async () => {
  portal = await startTestPortal({ env: { DEPLOY_ENGINE: "mock" } });
  owner = await signUp(portal, "owner@example.com");
});
afterAll(async () => {
  await portal?.stop();
});

describe("apps", () => {
  it("refuses an invalid app with each problem at its field, and stores nothing", async () => {
    await createProject(portal, owner, "checked", []);
    const bad = await portal.request("POST", "/api/projects/checked/apps", { cookie: owner, body: { name: "Web", image: "nginx:::", port: 0, replica: 2 } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details.map((detail: { path: string }) => detail.path)).toEqual(["name", "image", "port", "replica"]);
    expect(bad.json.error.details[3].message).toContain('did you mean "replicas"?');
    const tooBig = await portal.request("POST", "/api/projects/checked/apps", { cookie: owner, body: { name: "web", image: "nginx", replicas: 5, resources: { cpu: "1" } } });
    expect(tooBig.status).toBe(400);
    expect(tooBig.json.error.details[0].path).toBe("quota.cpu");
    expect((await portal.request("GET", "/api/projects/checked/apps", { cookie: owner })).json.items).toEqual([]);
  });

  it("keeps domains unique across the platform", async () => {
    await createProject(portal, owner, "one", [{ name: "web", image: "nginx", port: 80, domain: "taken.example.com" }]);
    await createProject(portal, owner, "two", []);
    const clash = await portal.request("POST", "/api/projects/two/apps", { cookie: owner, body: { name: "web", image: "nginx", port: 80, domain: "taken.example.com" } });
    expect(clash.status).toBe(409);
    expect(clash.json.error.code).toBe("domain_taken");
  });

  it("treats secret values as write-only: set, kept, replaced and removed by name, never shown", async () => {
    await portal.request("DELETE", "/api/projects/one", { cookie: owner });
    await createProject(portal, owner, "vault", [{ name: "api", image: "nginx", port: 8080, secretEnv: { DB_PASSWORD: SECRET, TOKEN: "first-token" } }]);
    const kept = await portal.request("PATCH", "/api/projects/vault/apps/api", {
      cookie: owner,
      body: { secretEnv: { TOKEN: "second-token", DB_PASSWORD: "********" }, replicas: 1 },
    });
    expect(kept.status, kept.text).toBe(200);
    expect(kept.json.app.secretEnv).toEqual({ DB_PASSWORD: "********", TOKEN: "********" });
    const removed = await portal.request("PATCH", "/api/projects/vault/apps/api", { cookie: owner, body: { secretEnv: { TOKEN: null } } });
    expect(removed.json.app.secretEnv).toEqual({ DB_PASSWORD: "********" });
    // What a deploy gets: the kept value, decrypted.
    const plain = await portal.portal.database.knex("apps").where({ name: "api" }).first();
    expect(plain.secretEnvEncrypted).toMatch(/^v1:/);
    expect(plain.secretEnvEncrypted).not.toContain(SECRET);
    expect(JSON.stringify(plain)).not.toContain("second-token");
    const project = await portal.portal.database.knex("projects").where({ name: "vault" }).first();
    expect(decryptJson(portal.config.secretsKey, plain.secretEnvEncrypted, secretContext(project.id, "api"))).toEqual({ DB_PASSWORD: SECRET });
    const deployment = await waitForDeployment(portal, owner, "vault", await deploy(portal, owner, "vault"));
    expect(deployment.status).toBe("succeeded");
  });

  it("never shows a secret value in an API response, the manifests, a deployment's log or events, or the logs", async () => {
    const responses = await Promise.all(
      [
        "/api/projects",
        "/api/projects/vault",
        "/api/projects/vault/apps",
        "/api/projects/vault/apps/api",
        "/api/projects/vault/spec",
        "/api/projects/vault/manifests",
        "/api/projects/vault/deployments",
      ].map((path) => portal.request("GET", path, { cookie: owner })),
    );
    const [latest] = responses[6]!.json.items;
    const detail = await portal.request("GET", `/api/projects/vault/deployments/${latest.id}`, { cookie: owner });
    const events = await fetch(`${portal.url}/api/projects/vault/deployments/${latest.id}/events`, { headers: { cookie: owner } });
    const everything = [...responses.map((response) => response.text), detail.text, await events.text(), portal.logs.join("")].join("\n");
    expect(responses.every((response) => response.status === 200)).toBe(true);
    expect(responses[5]!.text).toContain("kind: Secret");
    expect(everything).not.toContain(SECRET);
    const stored = await portal.portal.database.knex("deployment_events").select("data");
    expect(JSON.stringify(stored)).not.toContain(SECRET);
    const audit = await portal.portal.database.knex("audit_log").select("details");
    expect(JSON.stringify(audit)).not.toContain(SECRET);
  });
});

describe("limits", () => {
  it("holds a user to 5 projects, 4 CPU and 8Gi across their projects, and lets a platform admin change that", async () => {
    const user = await signUp(portal, "busy@example.com");
    const create = (name: string, quota: Record<string, unknown>) => portal.request("POST", "/api/projects", { cookie: user, body: { name, quota } });
    const tooMuchCpu = await create("big", { cpu: "5", memory: "1Gi" });
    expect(tooMuchCpu.status).toBe(403);
    expect(tooMuchCpu.json.error).toMatchObject({ code: "limit_exceeded", details: [{ path: "quota.cpu" }] });
    for (let index = 0; index < 5; index++) expect((await create(`small-${index}`, { cpu: "100m", memory: "128Mi", pods: 2 })).status).toBe(201);
    const sixth = await create("small-5", { cpu: "100m", memory: "128Mi", pods: 2 });
    expect(sixth.status).toBe(403);
    expect(sixth.json.error.message).toContain("You own 5 projects, your limit");
    const raise = await portal.request("PATCH", "/api/projects/small-0", { cookie: user, body: { quota: { memory: "9Gi" } } });
    expect(raise.status).toBe(403);

    const userId = (await portal.request("GET", "/api/me", { cookie: user })).json.user.id;
    expect((await portal.request("PATCH", `/api/admin/users/${userId}/limits`, { cookie: user, body: { maxProjects: 10 } })).status).toBe(403);
    const changed = await portal.request("PATCH", `/api/admin/users/${userId}/limits`, { cookie: owner, body: { maxProjects: 10, maxMemory: "32Gi" } });
    expect(changed.json.limits).toEqual({ maxProjects: 10, maxCpu: "4", maxMemory: "32Gi" });
    expect((await create("small-5", { cpu: "100m", memory: "128Mi", pods: 2 })).status).toBe(201);
    expect((await portal.request("PATCH", "/api/projects/small-0", { cookie: user, body: { quota: { memory: "9Gi" } } })).status).toBe(200);
    const bad = await portal.request("PATCH", `/api/admin/users/${userId}/limits`, { cookie: owner, body: { maxCpu: "lots" } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details[0].path).toBe("maxCpu");
  });

  it("answers name_taken for a project name in use anywhere on the platform", async () => {
    const other = await signUp(portal, "other@example.com");
    const taken = await portal.request("POST", "/api/projects", { cookie: other, body: { name: "vault", quota: { cpu: "100m", memory: "128Mi", pods: 2 } } });
    expect(taken.status).toBe(409);
    expect(taken.json.error.code).toBe("name_taken");
  });
});
