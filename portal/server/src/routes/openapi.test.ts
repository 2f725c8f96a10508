import { Validator } from "@seriousme/openapi-schema-validator";
import { endpoints } from "@babyhelm/sdk/api";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../../../../test/support/temp-dir.js";
import { createApp, servedRoutes } from "../app.js";
import { loadConfig } from "../config.js";
import { bindModels, createKnex } from "../db/database.js";
import { answerProblems, portalApiDocument } from "../test-support/openapi-check.js";
import { startTestPortal, type TestPortal } from "../test-support/portal.js";

let portal: TestPortal;
beforeAll(async () => {
  portal = await startTestPortal();
});
afterAll(async () => {
  await portal?.stop();
});

describe("the OpenAPI document", () => {
  it("is a valid OpenAPI 3.1 document, as the portal serves it", async () => {
    const served = await portal.request("GET", "/api/openapi.json");
    expect(served.status).toBe(200);
    expect(served.json).toEqual(JSON.parse(JSON.stringify(portalApiDocument())));
    const result = await new Validator().validate(served.json as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect((served.json as { openapi: string }).openapi).toBe("3.1.0");
    // The validator does look: a document without its info, or with a response that is not one, is refused.
    const { info: _, ...withoutInfo } = served.json as Record<string, unknown>;
    expect((await new Validator().validate(withoutInfo)).valid).toBe(false);
    const broken = JSON.parse(served.text) as { paths: Record<string, Record<string, { responses: unknown }>> };
    broken.paths["/api/me"]!.get!.responses = { "200": { content: 5 } };
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });

  it("covers every route the server has, and nothing it does not have", () => {
    const knex = createKnex("postgres://nobody@127.0.0.1:1/none", 1, pino({ level: "silent" }));
    const config = loadConfig({ NODE_ENV: "test", DATA_DIR: tempDir("openapi"), BCRYPT_ROUNDS: "4" });
    const app = createApp({ config, logger: pino({ level: "silent" }), database: { knex, models: bindModels(knex) } });
    const routes = new Set(servedRoutes(app));
    const documented = new Set(
      Object.entries(portalApiDocument().paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`)),
    );
    expect(routes.size).toBeGreaterThan(50);
    expect([...routes].filter((route) => !documented.has(route)).sort()).toEqual([]);
    expect([...documented].filter((route) => !routes.has(route)).sort()).toEqual([]);
    void knex.destroy();
  });

  it("names each operation as the contract does, says who may call it, and describes the error answer", () => {
    const document = portalApiDocument();
    const operations = Object.values(document.paths).flatMap(
      (byMethod) => Object.values(byMethod) as { operationId: string; security?: unknown[]; responses: Record<string, unknown> }[],
    );
    expect(operations.map((operation) => operation.operationId).sort()).toEqual(Object.keys(endpoints).sort());
    for (const operation of operations) expect(operation.responses.default, operation.operationId).toBeDefined();
    const byId = Object.fromEntries(operations.map((operation) => [operation.operationId, operation]));
    expect(byId.login!.security).toEqual([]);
    expect(byId.createToken!.security).toEqual([{ session: [] }]);
    expect(byId.getProject!.security).toEqual([{ session: [] }, { bearer: [] }]);
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual(["bearer", "session"]);
  });

  it("refuses answers that differ from it: a missing field, an unknown one, an unlisted status, another content type", () => {
    const user = { id: "1", email: "a@example.com", name: "A", emailConfirmed: true, isAdmin: false, createdAt: "2026-12-01T00:00:00.000Z" };
    const answer = { method: "GET", path: "/api/me", status: 200, contentType: "application/json; charset=utf-8" };
    expect(answerProblems({ ...answer, json: { user } })).toEqual([]);
    const { createdAt: _, ...withoutCreatedAt } = user;
    expect(answerProblems({ ...answer, json: { user: withoutCreatedAt } }).join()).toContain("must have required property 'createdAt'");
    expect(answerProblems({ ...answer, json: { user: { ...user, password: "x" } } }).join()).toContain("(password)");
    expect(answerProblems({ ...answer, status: 201, json: { user } }).join()).toContain("lists no 201 answer");
    expect(answerProblems({ ...answer, contentType: "text/html", json: undefined }).join()).toContain("answered text/html");
    expect(answerProblems({ ...answer, status: 404, json: { error: { code: "not_found", message: "Gone." } } })).toEqual([]);
    expect(answerProblems({ ...answer, status: 404, json: { message: "Gone." } }).length).toBeGreaterThan(0);
  });
});
