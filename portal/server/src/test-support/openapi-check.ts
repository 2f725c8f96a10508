/**
 * Holds every answer a test sees against the OpenAPI document: the schema of its endpoint and status (the
 * error shape for the statuses the endpoint does not list). An answer the document does not describe fails
 * the test that got it, so the document cannot drift from what the server sends.
 */
import { SDK_VERSION } from "@babyhelm/sdk";
import { endpoints, openApiDocument, type OpenApiDocument } from "@babyhelm/sdk/api";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

let document: OpenApiDocument | undefined;
let ajv: Ajv2020 | undefined;
const validators = new Map<string, ValidateFunction>();

export function portalApiDocument(): OpenApiDocument {
  return (document ??= openApiDocument(endpoints, SDK_VERSION));
}

function validator(pointer: string): ValidateFunction {
  let validate = validators.get(pointer);
  if (!validate) {
    if (!ajv) {
      // strict off: the document's OpenAPI keywords around the schemas are not JSON Schema.
      ajv = new Ajv2020({ strict: false, allErrors: true });
      (addFormats as unknown as (ajv: Ajv2020) => void)(ajv);
      ajv.addSchema(portalApiDocument(), "openapi.json");
    }
    validate = ajv.compile({ $ref: `openapi.json#${pointer}` });
    validators.set(pointer, validate);
  }
  return validate;
}

const escape = (segment: string) => segment.replace(/~/g, "~0").replace(/\//g, "~1");

/** The document's path template for a concrete path, e.g. /api/projects/{name} for /api/projects/shop. */
export function pathTemplate(path: string, method: string): string | undefined {
  const segments = path.split("/");
  const candidates = Object.entries(portalApiDocument().paths).filter(([template, operations]) => {
    const parts = template.split("/");
    return parts.length === segments.length && parts.every((part, index) => part.startsWith("{") || part === segments[index]) && method.toLowerCase() in operations;
  });
  // The most literal match wins: /api/projects/{name}/metrics/query over a template with more parameters.
  const parameters = (template: string) => template.split("{").length;
  candidates.sort(([a], [b]) => parameters(a) - parameters(b));
  return candidates[0]?.[0];
}

export interface Answer {
  method: string;
  /** With or without the query string. */
  path: string;
  status: number;
  contentType: string;
  json: unknown;
}

/** The problems of an answer against the document; empty when it conforms. */
export function answerProblems({ method, path, status, contentType, json }: Answer): string[] {
  const pathname = new URL(path, "http://portal.test").pathname;
  if (!pathname.startsWith("/api/")) return [];
  const what = `${method} ${pathname} → ${status}`;
  const template = pathTemplate(pathname, method === "HEAD" ? "get" : method);
  const operationPointer = template ? `/paths/${escape(template)}/${method === "HEAD" ? "get" : method.toLowerCase()}` : undefined;
  const responses = template
    ? (portalApiDocument().paths[template]![method === "HEAD" ? "get" : method.toLowerCase()] as { responses: Record<string, { content?: Record<string, unknown> }> }).responses
    : undefined;
  const listed = responses?.[String(status)];
  if (status >= 200 && status < 300 && !listed) return [`${what}: the document lists no ${status} answer for ${template ?? "this path"}`];
  if (method === "HEAD" || status === 204 || status === 304) return [];
  const responsePointer = listed ? `${operationPointer}/responses/${status}` : operationPointer ? `${operationPointer}/responses/default` : undefined;
  const content = listed?.content ?? { "application/json": {} };
  const mediaType = contentType.split(";")[0]!.trim();
  if (!(mediaType in content)) return [`${what}: answered ${mediaType || "no content type"}, the document says ${Object.keys(content).join(" or ")}`];
  if (mediaType !== "application/json") return [];
  const validate = validator(responsePointer ? `${responsePointer}/content/application~1json/schema` : "/components/schemas/Error");
  if (validate(json)) return [];
  return (validate.errors ?? []).map(
    (error) =>
      `${what}: ${error.instancePath || "(the body)"} ${error.message}${error.params && "additionalProperty" in error.params ? ` (${String(error.params.additionalProperty)})` : ""}`,
  );
}

/** Throws when the answer does not conform, naming every problem. */
export function checkAnswer(answer: Answer): void {
  const problems = answerProblems(answer);
  if (problems.length > 0) throw new Error(`The answer does not match the OpenAPI document:\n${problems.join("\n")}`);
}
