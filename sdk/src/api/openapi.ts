/**
 * The OpenAPI 3.1 document of the portal's API, generated from the endpoints' zod schemas (OpenAPI 3.1's
 * schemas are JSON Schema 2020-12, which zod writes itself). Named schemas (`.meta({ id })`) become
 * components, so clients see `User`, `Project`, `Deployment` rather than anonymous copies.
 */
import { z } from "zod";
import { errorAnswer } from "./common.js";
import { isRawResponse, type Endpoint } from "./endpoint.js";

type JsonSchema = Record<string, unknown>;

export interface OpenApiDocument {
  openapi: "3.1.0";
  info: { title: string; version: string; description: string };
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, unknown> };
  [key: string]: unknown;
}

const COMPONENT = "#/components/schemas/";

/** Converts one schema; its named parts are moved into `components`, under a second name when input and output differ. */
function converter(components: Record<string, JsonSchema>) {
  return (schema: z.ZodType, io: "input" | "output"): JsonSchema => {
    const json = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" }) as JsonSchema;
    const defs = (json.$defs ?? {}) as Record<string, JsonSchema>;
    delete json.$defs;
    delete json.$schema;
    const names = new Map<string, string>();
    const rewrite = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(rewrite);
      if (value === null || typeof value !== "object") return value;
      return Object.fromEntries(
        Object.entries(value).map(([key, inner]) => {
          if (key !== "$ref" || typeof inner !== "string" || !inner.startsWith("#/$defs/")) return [key, rewrite(inner)];
          const name = inner.slice("#/$defs/".length);
          return [key, COMPONENT + (names.get(name) ?? name)];
        }),
      );
    };
    // First under their own names, to see which differ from a component of that name already there.
    for (const [name, def] of Object.entries(defs)) {
      const existing = components[name];
      if (existing !== undefined && JSON.stringify(existing) !== JSON.stringify(rewrite(def))) names.set(name, `${name}${io === "input" ? "Input" : "Output"}`);
    }
    for (const [name, def] of Object.entries(defs)) components[names.get(name) ?? name] = rewrite(def) as JsonSchema;
    return rewrite(json) as JsonSchema;
  };
}

function security(endpoint: Endpoint): unknown[] | undefined {
  if (endpoint.access === "public") return [];
  // A password login only: a personal access token cannot change the password or delete the account.
  if (endpoint.access === "session") return [{ session: [] }];
  return [{ session: [] }, { bearer: [] }];
}

function accessText(endpoint: Endpoint): string {
  const access = endpoint.access;
  if (access === "public") return "Anyone.";
  if (access === "user") return "A session or a personal access token.";
  if (access === "session") return "A password login (session cookie) only.";
  if (access === "admin") return "Platform admins.";
  return `Members of the project with at least the ${access.project} role (non-members get 404, smaller roles 403; a token limited to another project gets 404).`;
}

function parameters(endpoint: Endpoint, convert: ReturnType<typeof converter>): unknown[] {
  const list: unknown[] = [];
  for (const [location, schema] of [
    ["path", endpoint.params],
    ["query", endpoint.query],
  ] as const) {
    if (!schema) continue;
    const json = convert(schema, "input");
    const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((json.required ?? []) as string[]);
    for (const [name, property] of Object.entries(properties)) {
      list.push({ name, in: location, required: location === "path" || required.has(name), schema: property });
    }
  }
  return list;
}

export function openApiDocument(endpoints: Record<string, Endpoint>, version: string): OpenApiDocument {
  const components: Record<string, JsonSchema> = {};
  const convert = converter(components);
  const paths: OpenApiDocument["paths"] = {};
  const errorSchema = { $ref: `${COMPONENT}Error` };
  convert(errorAnswer, "output");
  for (const endpoint of Object.values(endpoints)) {
    const responses: Record<string, unknown> = {};
    for (const [status, spec] of Object.entries(endpoint.responses)) {
      if (spec === null) responses[status] = { description: "No content" };
      else if (isRawResponse(spec)) responses[status] = { description: spec.description, content: { [spec.contentType]: { schema: { type: "string" } } } };
      else responses[status] = { description: "Success", content: { "application/json": { schema: convert(spec, "output") } } };
    }
    responses.default = {
      description: "An error: a 4xx for the caller to fix, or a 5xx that says nothing about internals",
      content: { "application/json": { schema: errorSchema } },
    };
    const operation: Record<string, unknown> = {
      operationId: endpoint.id,
      summary: endpoint.summary,
      description: accessText(endpoint),
      tags: [endpoint.path.split("/")[2]],
      parameters: parameters(endpoint, convert),
      responses,
    };
    const auth = security(endpoint);
    if (auth) operation.security = auth;
    if (endpoint.body) {
      // Bodiless requests are allowed where the body is all optional: a POST with nothing to say needs no JSON.
      const json = convert(endpoint.body, "input");
      const required = Array.isArray(json.required) && json.required.length > 0;
      operation.requestBody = { required, content: { "application/json": { schema: json } } };
    }
    (paths[endpoint.path] ??= {})[endpoint.method.toLowerCase()] = operation;
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "BabyHelm portal API",
      version,
      description:
        "JSON in and out. A request with a body must be application/json (415 otherwise); DELETE, PUT and PATCH without a body need no content type; a POST authenticated by the session cookie must send JSON (a cross-site form cannot); bearer-token requests need neither.",
    },
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        session: { type: "apiKey", in: "cookie", name: "bh_session", description: "Set by POST /api/auth/login" },
        bearer: { type: "http", scheme: "bearer", description: "A personal access token (bh_...), optionally limited to one project, a role and an expiry" },
      },
    },
  };
}
