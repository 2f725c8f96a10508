/**
 * The role matrix: owner, developer, viewer, a user who is not a member, and nobody at all, against every
 * project endpoint. Not a member: 404 (another user's project does not exist for you). Too small a role:
 * 403. Nobody: 401.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUp, startTestPortal, type TestPortal } from "../test-support/portal.js";
import { createProject, deploy, waitForDeployment } from "../test-support/projects.js";

type Who = "anonymous" | "stranger" | "viewer" | "developer" | "owner";
const RANK: Record<Who, number> = { anonymous: -2, stranger: -1, viewer: 0, developer: 1, owner: 2 };
// Denied roles go first: the allowed ones may change what the others would see.
const EVERYONE: Who[] = ["anonymous", "stranger", "viewer", "developer", "owner"];

let portal: TestPortal;
const cookies: Partial<Record<Who, string>> = {};
let deploymentId: string;
let extraUserId: string;

beforeAll(async () => {
  portal = await startTestPortal({ env: { DEPLOY_ENGINE: "mock" } });
  cookies.owner = await signUp(portal, "owner@example.com");
  cookies.developer = await signUp(portal, "developer@example.com");
  cookies.viewer = await signUp(portal, "viewer@example.com");
  cookies.stranger = await signUp(portal, "stranger@example.com");
  await signUp(portal, "extra@example.com");
  for (const project of ["matrix", "doomed"]) {
    await createProject(
      portal,
      cookies.owner,
      project,
      [{ name: "web", image: "nginx:1.27", port: 80 }, ...["viewer", "developer", "owner"].map((role) => ({ name: `victim-${role}`, image: "busybox:1.36" }))],
      { cpu: "2", memory: "4Gi", pods: 30 },
    );
    for (const role of ["developer", "viewer"]) {
      const added = await portal.request("POST", `/api/projects/${project}/members`, { cookie: cookies.owner, body: { email: `${role}@example.com`, role } });
      if (added.status !== 201) throw new Error(added.text);
    }
  }
  const added = await portal.request("POST", "/api/projects/matrix/members", { cookie: cookies.owner, body: { email: "extra@example.com", role: "viewer" } });
  extraUserId = added.json.member.userId;
  deploymentId = await deploy(portal, cookies.owner, "matrix");
  await waitForDeployment(portal, cookies.owner, "matrix", deploymentId);
});
afterAll(async () => {
  await portal?.stop();
});

interface Endpoint {
  method: string;
  path: (who: Who) => string;
  body?: (who: Who) => unknown;
  minimum: "viewer" | "developer" | "owner";
}

const ENDPOINTS: Endpoint[] = [
  { method: "GET", path: () => "/api/projects/matrix", minimum: "viewer" },
  { method: "PATCH", path: () => "/api/projects/matrix", body: () => ({ displayName: "Matrix" }), minimum: "owner" },
  { method: "GET", path: () => "/api/projects/matrix/apps", minimum: "viewer" },
  { method: "POST", path: () => "/api/projects/matrix/apps", body: (who) => ({ name: `new-${who}`, image: "busybox:1.36" }), minimum: "developer" },
  { method: "GET", path: () => "/api/projects/matrix/apps/web", minimum: "viewer" },
  { method: "PATCH", path: () => "/api/projects/matrix/apps/web", body: () => ({ replicas: 1 }), minimum: "developer" },
  { method: "DELETE", path: (who) => `/api/projects/matrix/apps/victim-${who}`, minimum: "developer" },
  { method: "GET", path: () => "/api/projects/matrix/spec", minimum: "viewer" },
  { method: "GET", path: () => "/api/projects/matrix/manifests", minimum: "viewer" },
  { method: "GET", path: () => "/api/projects/matrix/deployments", minimum: "viewer" },
  { method: "POST", path: () => "/api/projects/matrix/deployments", body: () => ({}), minimum: "developer" },
  { method: "GET", path: () => `/api/projects/matrix/deployments/${deploymentId}`, minimum: "viewer" },
  { method: "GET", path: () => `/api/projects/matrix/deployments/${deploymentId}/events`, minimum: "viewer" },
  { method: "POST", path: () => `/api/projects/matrix/deployments/${deploymentId}/cancel`, minimum: "developer" },
  { method: "GET", path: () => `/api/projects/matrix/deployments/${deploymentId}/spec`, minimum: "viewer" },
  { method: "GET", path: () => `/api/projects/matrix/deployments/${deploymentId}/diff?from=${deploymentId}`, minimum: "viewer" },
  { method: "POST", path: () => `/api/projects/matrix/deployments/${deploymentId}/rollback`, body: () => ({}), minimum: "developer" },
  { method: "POST", path: () => "/api/projects/matrix/previews?wait=0", body: () => ({}), minimum: "developer" },
  { method: "GET", path: () => "/api/projects/matrix/drift", minimum: "viewer" },
  { method: "POST", path: () => "/api/projects/matrix/drift", body: () => ({}), minimum: "developer" },
  { method: "GET", path: () => "/api/projects/matrix/members", minimum: "viewer" },
  { method: "POST", path: () => "/api/projects/matrix/members", body: () => ({ email: "extra@example.com", role: "developer" }), minimum: "owner" },
  { method: "DELETE", path: () => `/api/projects/matrix/members/${extraUserId}`, minimum: "owner" },
  { method: "DELETE", path: () => "/api/projects/doomed", minimum: "owner" },
];

describe("who may do what in a project", () => {
  for (const endpoint of ENDPOINTS) {
    it(`${endpoint.method} ${endpoint.path("owner")}: ${endpoint.minimum} and above`, async () => {
      const answers: Record<string, number> = {};
      for (const who of EVERYONE) {
        const response = await portal.request(endpoint.method, endpoint.path(who), { cookie: cookies[who], body: endpoint.body?.(who) });
        answers[who] = response.status;
        if (response.status >= 400) expect(response.json?.error?.code, `${who}: ${response.text}`).toEqual(expect.any(String));
      }
      const expected = Object.fromEntries(
        EVERYONE.map((who) => {
          if (who === "anonymous") return [who, 401];
          if (who === "stranger") return [who, 404];
          return [who, RANK[who] >= RANK[endpoint.minimum] ? "allowed" : 403];
        }),
      );
      const seen = Object.fromEntries(Object.entries(answers).map(([who, status]) => [who, expected[who] === "allowed" && (status < 300 || status === 409) ? "allowed" : status]));
      expect(seen).toEqual(expected);
    });
  }

  it("lists only the projects a user is a member of", async () => {
    expect((await portal.request("GET", "/api/projects", { cookie: cookies.stranger })).json.items).toEqual([]);
    const names = (await portal.request("GET", "/api/projects", { cookie: cookies.viewer })).json.items.map((item: { name: string; role: string }) => `${item.name}:${item.role}`);
    expect(names).toContain("matrix:viewer");
    expect((await portal.request("GET", "/api/projects")).status).toBe(401);
  });

  it("keeps a project's last owner", async () => {
    const owners = (await portal.request("GET", "/api/projects/matrix/members", { cookie: cookies.owner })).json.items.filter(
      (member: { role: string }) => member.role === "owner",
    );
    const response = await portal.request("DELETE", `/api/projects/matrix/members/${owners[0].userId}`, { cookie: cookies.owner });
    expect(response.status).toBe(409);
    expect(response.json.error.code).toBe("last_owner");
  });
});
