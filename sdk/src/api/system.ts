/** The portal itself: liveness, readiness, which optional parts it has, and this API's description. */
import { z } from "zod";
import { endpoint } from "./endpoint.js";

export const health = endpoint({
  id: "health",
  method: "GET",
  path: "/api/health",
  summary: "200 while the process lives",
  access: "public",
  responses: { 200: z.strictObject({ status: z.literal("ok") }) },
});

export const ready = endpoint({
  id: "ready",
  method: "GET",
  path: "/api/ready",
  summary: "200 when the portal can serve (its database answers); 503 not_ready otherwise",
  access: "public",
  responses: { 200: z.strictObject({ status: z.literal("ready") }) },
});

export const portalConfig = z
  .strictObject({
    sdkVersion: z.string(),
    /** Without Prometheus: the server's sentence on how to connect one. */
    metrics: z.strictObject({ enabled: z.boolean(), message: z.string().optional() }),
    grafana: z.strictObject({ enabled: z.boolean() }),
    engine: z.strictObject({ name: z.enum(["pulumi", "mock"]), available: z.boolean(), problem: z.string().optional() }),
    cluster: z.strictObject({ enabled: z.boolean() }),
    /** How often every deployed project is checked for drift; 0: on demand only. */
    drift: z.strictObject({ intervalMs: z.number() }),
  })
  .meta({ id: "PortalConfig" });
export type PortalConfig = z.infer<typeof portalConfig>;

export const getConfig = endpoint({
  id: "getConfig",
  method: "GET",
  path: "/api/config",
  summary: "Which optional parts this portal has (metrics, Grafana, an engine, a cluster), so clients never call what is off",
  access: "public",
  responses: { 200: z.strictObject({ config: portalConfig }) },
});

export const getOpenApi = endpoint({
  id: "getOpenApi",
  method: "GET",
  path: "/api/openapi.json",
  summary: "This document: the OpenAPI 3.1 description of every endpoint",
  access: "public",
  responses: { 200: z.record(z.string(), z.unknown()) },
});
