/**
 * Every platform-admin endpoint against nobody (401), a signed-in user who is not an admin, by session and by
 * personal access token (403), and an admin. The endpoints are read from the admin router itself, so one
 * added later is covered without touching this file.
 */
import Router from "@koa/router";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PortalState } from "../http/state.js";
import { signUp, startTestPortal, type RequestOptions, type TestPortal } from "../test-support/portal.js";
import { adminRoutes } from "./admin.js";

let portal: TestPortal;
let admin: string;
let user: string;
let userToken: string;
let userId: string;

/** Method and path of every admin route; registering routes touches none of the services. */
function adminEndpoints(): { method: string; path: string }[] {
  const router = new Router<PortalState>();
  adminRoutes(router, undefined as never, undefined as never, undefined as never, undefined as never);
  return router.stack.flatMap((layer) => layer.methods.filter((method) => method !== "HEAD").map((method) => ({ method, path: String(layer.path) })));
}

const ENDPOINTS = adminEndpoints();
// A body each endpoint would accept, so that only who asks decides the answer.
const ALLOWED_STATUS: Record<string, number> = { "POST /api/admin/upgrades": 409, "GET /api/admin/upgrades/:id": 404 };
const BODIES: Record<string, unknown> = { PATCH: { maxProjects: 6 }, POST: {}, PUT: {}, DELETE: {} };

beforeAll(async () => {
  portal = await startTestPortal();
  // The first user is a platform admin.
  admin = await signUp(portal, "admin@example.com");
  user = await signUp(portal, "user@example.com");
  userId = (await portal.request("GET", "/api/me", { cookie: user })).json.user.id;
  userToken = (await portal.request("POST", "/api/me/tokens", { cookie: user, body: { name: "ci" } })).json.token.token;
});
afterAll(async () => {
  await portal?.stop();
});

describe("platform-admin endpoints", () => {
  it("are found in the admin router", () => {
    expect(ENDPOINTS.map((endpoint) => `${endpoint.method} ${endpoint.path}`)).toEqual(
      expect.arrayContaining(["GET /api/admin/users/:id/limits", "PATCH /api/admin/users/:id/limits"]),
    );
  });

  for (const endpoint of ENDPOINTS) {
    const path = () => endpoint.path.replace(":id", userId);
    const ask = (options: RequestOptions) => portal.request(endpoint.method, path(), { ...options, body: BODIES[endpoint.method] });

    it(`${endpoint.method} ${endpoint.path}: 401 for nobody, 403 for a user who is not an admin, allowed for an admin`, async () => {
      const anonymous = await ask({});
      expect(anonymous.status, anonymous.text).toBe(401);
      expect(anonymous.json.error.code).toBe("unauthenticated");

      for (const credentials of [{ cookie: user }, { token: userToken }]) {
        const denied = await ask(credentials);
        expect(denied.status, denied.text).toBe(403);
        expect(denied.json.error).toMatchObject({ code: "forbidden", message: "Only platform admins can do this." });
      }
      // Also for a user id that does not exist: a non-admin learns nothing about which users exist.
      const unknown = await portal.request(endpoint.method, endpoint.path.replace(":id", "999999"), { cookie: user, body: BODIES[endpoint.method] });
      expect(unknown.status).toBe(403);

      // Allowed: what the endpoint itself answers (starting an upgrade with nothing to upgrade is a 409 of its own).
      const allowed = await ask({ cookie: admin });
      expect(allowed.status, allowed.text).toBe(ALLOWED_STATUS[`${endpoint.method} ${endpoint.path}`] ?? 200);
    });
  }

  it("changed nothing for the requests it refused", async () => {
    const limits = await portal.request("GET", `/api/admin/users/${userId}/limits`, { cookie: admin });
    // Only the admin's PATCH (maxProjects 6) took effect.
    expect(limits.json.limits).toEqual({ maxProjects: 6, maxCpu: "4", maxMemory: "8Gi" });
  });
});
