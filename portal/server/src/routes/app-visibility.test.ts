/**
 * Private apps through the API: `visibility` is stored, shown, rendered with the platform's private ingress
 * class and changed back; with the real engine, the Ingress in the local cluster carries that class. (No
 * private network exists there: what is checked is the class on the object, which decides which
 * controller serves the domain.)
 */
import { randomBytes } from "node:crypto";
import { parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pulumiHome } from "../../../../toolchain/tools.mjs";
import { namespaceExists, realPlatform } from "../test-support/cluster.js";
import { liveProjectObjects } from "../test-support/live-objects.js";
import { signUp, startTestPortal, type TestPortal } from "../test-support/portal.js";
import { createProject, deploy, waitForDeployment } from "../test-support/projects.js";

type Rendered = { kind: string; metadata: { name: string; labels?: Record<string, string> }; spec?: { ingressClassName?: string } };

async function manifests(portal: TestPortal, cookie: string, project: string): Promise<Rendered[]> {
  const answer = await portal.request("GET", `/api/projects/${project}/manifests`, { cookie });
  expect(answer.status, answer.text).toBe(200);
  return parseAllDocuments(answer.text).map((document) => document.toJS() as Rendered);
}

const ingressClasses = (objects: Rendered[]) =>
  Object.fromEntries(objects.filter((object) => object.kind === "Ingress").map((object) => [object.metadata.name, object.spec?.ingressClassName]));

describe("app visibility through the API", () => {
  let portal: TestPortal;
  let owner: string;
  beforeAll(async () => {
    portal = await startTestPortal({ env: { DEPLOY_ENGINE: "mock" } });
    owner = await signUp(portal, "owner@example.com");
  });
  afterAll(async () => {
    await portal?.stop();
  });

  it("creates a private app, renders it with the private ingress class, and makes it public again", async () => {
    await createProject(portal, owner, "intranet", [{ name: "web", image: "nginx:1.27", port: 80, domain: "www.intranet.example.com" }]);
    const created = await portal.request("POST", "/api/projects/intranet/apps", {
      cookie: owner,
      body: { name: "admin", image: "nginx:1.27", port: 80, domain: "admin.intranet.example.com", visibility: "private" },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.json.app).toMatchObject({ name: "admin", visibility: "private" });
    const listed = await portal.request("GET", "/api/projects/intranet/apps", { cookie: owner });
    expect(listed.json.items.map((app: { name: string; visibility: string }) => [app.name, app.visibility])).toEqual([
      ["web", "public"],
      ["admin", "private"],
    ]);

    const rendered = await manifests(portal, owner, "intranet");
    expect(ingressClasses(rendered)).toEqual({ web: "nginx", admin: "nginx-internal" });
    expect(rendered.find((object) => object.kind === "Ingress" && object.metadata.name === "admin")!.metadata.labels).toMatchObject({ "babyhelm.io/visibility": "private" });
    const spec = await portal.request("GET", "/api/projects/intranet/spec", { cookie: owner });
    expect(spec.json.apps.map((app: { visibility?: string }) => app.visibility)).toEqual([undefined, "private"]);

    const opened = await portal.request("PATCH", "/api/projects/intranet/apps/admin", { cookie: owner, body: { visibility: "public" } });
    expect(opened.status, opened.text).toBe(200);
    expect(opened.json.app.visibility).toBe("public");
    expect(ingressClasses(await manifests(portal, owner, "intranet"))).toEqual({ web: "nginx", admin: "nginx" });
    // Public is the default: the spec says nothing rather than "public", as for apps that never had the field.
    expect((await portal.request("GET", "/api/projects/intranet/spec", { cookie: owner })).json.apps[1]).not.toHaveProperty("visibility");

    // null removes the field, as for any optional field: the app stays public.
    await portal.request("PATCH", "/api/projects/intranet/apps/web", { cookie: owner, body: { visibility: "private" } });
    expect(ingressClasses(await manifests(portal, owner, "intranet"))).toEqual({ web: "nginx-internal", admin: "nginx" });
    const removed = await portal.request("PATCH", "/api/projects/intranet/apps/web", { cookie: owner, body: { visibility: null } });
    expect(removed.json.app.visibility).toBe("public");
  });

  it("refuses a visibility it does not know, naming the field and both values, and changes nothing", async () => {
    await createProject(portal, owner, "strict", [{ name: "web", image: "nginx:1.27", port: 80, domain: "strict.example.com", visibility: "private" }]);
    for (const [method, path, body] of [
      ["POST", "/api/projects/strict/apps", { name: "api", image: "nginx:1.27", visibility: "internal" }],
      ["PATCH", "/api/projects/strict/apps/web", { visibility: "internal" }],
    ] as const) {
      const bad = await portal.request(method, path, { cookie: owner, body });
      expect(bad.status, bad.text).toBe(400);
      expect(bad.json.error.details).toEqual([{ path: "visibility", message: '"internal" is not a visibility: use "public" or "private"' }]);
    }
    expect(
      (await portal.request("GET", "/api/projects/strict/apps", { cookie: owner })).json.items.map((app: { name: string; visibility: string }) => [app.name, app.visibility]),
    ).toEqual([["web", "private"]]);
  });
});

describe.skipIf(!realPlatform)("a private app deployed with the real engine", () => {
  const platform = realPlatform!;
  const name = `private-${randomBytes(3).toString("hex")}`;
  let portal: TestPortal;
  let owner: string;
  beforeAll(async () => {
    portal = await startTestPortal({ env: { DEPLOY_ENGINE: "pulumi", KUBECONFIG: platform.kubeconfig, PULUMI_CLI_PATH: platform.pulumi, PULUMI_HOME: pulumiHome() } });
    owner = await signUp(portal, "private@example.com");
  });
  afterAll(async () => {
    await portal?.stop();
  });

  it("creates its Ingress with the private class, and moves it to the public class when the app becomes public", async () => {
    await createProject(portal, owner, name, [
      { name: "web", image: "nginx:1.27", port: 80, domain: `www.${name}.example.test` },
      { name: "admin", image: "nginx:1.27", port: 80, domain: `admin.${name}.example.test`, visibility: "private" },
    ]);
    const liveClasses = async () => {
      const ingresses = (await liveProjectObjects(platform.kube, name)).filter((object) => object.kind === "Ingress") as Rendered[];
      return Object.fromEntries(ingresses.map((ingress) => [ingress.metadata.name, [ingress.spec?.ingressClassName, ingress.metadata.labels?.["babyhelm.io/visibility"]]]));
    };
    const first = await waitForDeployment(portal, owner, name, await deploy(portal, owner, name), 240_000);
    expect(first.status, `${first.error}\n${first.log}`).toBe("succeeded");
    expect(await liveClasses()).toEqual({ web: ["nginx", undefined], admin: ["nginx-internal", "private"] });

    await portal.request("PATCH", `/api/projects/${name}/apps/admin`, { cookie: owner, body: { visibility: "public" } });
    const second = await waitForDeployment(portal, owner, name, await deploy(portal, owner, name), 240_000);
    expect(second.status, `${second.error}\n${second.log}`).toBe("succeeded");
    expect(await liveClasses()).toEqual({ web: ["nginx", undefined], admin: ["nginx", undefined] });

    // The records go once the stack is destroyed: the project then answers 404.
    expect((await portal.request("DELETE", `/api/projects/${name}`, { cookie: owner })).status).toBe(202);
    for (const deadline = Date.now() + 240_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 500))) {
      if ((await portal.request("GET", `/api/projects/${name}`, { cookie: owner })).status === 404) break;
    }
    expect(await namespaceExists(platform.kube, name)).toBe(false);
  }, 600_000);
});
