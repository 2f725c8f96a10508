/**
 * One endpoint of the portal's HTTP API: its method, path, who may call it, and the zod schemas of what it
 * takes and answers. The server validates requests with these schemas, the OpenAPI document is generated
 * from them, and the typed client (web app, CLI) infers its types from them: one contract, three readers.
 */
import type { z } from "zod";
import type { Role } from "./common.js";

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * public: anyone. user: a session or a personal access token. session: a password login only (a token
 * cannot). admin: a platform admin. project: a member of the project in the path, with at least that role.
 */
export type Access = "public" | "user" | "session" | "admin" | { project: Role };

/** An answer that is not JSON: a YAML document, an event stream, plain text, an archive. */
export interface RawResponse {
  contentType: "text/yaml" | "text/event-stream" | "text/plain" | "application/gzip";
  description: string;
}

/** `null`: no content (204). */
export type ResponseSpec = z.ZodType | RawResponse | null;

export interface Endpoint<
  Params extends z.ZodType = z.ZodType,
  Query extends z.ZodType = z.ZodType,
  Body extends z.ZodType = z.ZodType,
  Responses extends Record<number, ResponseSpec> = Record<number, ResponseSpec>,
> {
  /** The operationId: stable, camelCase. */
  id: string;
  method: Method;
  /** OpenAPI style: `/api/projects/{name}`. */
  path: string;
  summary: string;
  access: Access;
  params?: Params;
  query?: Query;
  /** Absent: the request takes no body. */
  body?: Body;
  /** The success answers by status; every endpoint also answers the error shape for 4xx and 5xx. */
  responses: Responses;
}

/** Declares an endpoint; the identity function that keeps its literal types for inference. */
export function endpoint<
  Params extends z.ZodType = z.ZodNever,
  Query extends z.ZodType = z.ZodNever,
  Body extends z.ZodType = z.ZodNever,
  const Responses extends Record<number, ResponseSpec> = Record<number, ResponseSpec>,
>(definition: Endpoint<Params, Query, Body, Responses>): Endpoint<Params, Query, Body, Responses> {
  return definition;
}

export function isRawResponse(spec: ResponseSpec): spec is RawResponse {
  return spec !== null && typeof (spec as RawResponse).contentType === "string";
}

type Infer<S, Io extends "input" | "output"> = S extends z.ZodType ? (Io extends "input" ? z.input<S> : z.output<S>) : never;
type InputPart<E, K extends "params" | "query" | "body", Io extends "input" | "output"> =
  E extends Endpoint<infer P, infer Q, infer B>
    ? [Infer<{ params: P; query: Q; body: B }[K], Io>] extends [never]
      ? { [key in K]?: never }
      : { [key in K]: Infer<{ params: P; query: Q; body: B }[K], Io> }
    : never;

/** What a caller sends: the path parameters, the query and the body, each as the schema takes it. */
export type RequestOf<E extends Endpoint> = InputPart<E, "params", "input"> & InputPart<E, "query", "input"> & InputPart<E, "body", "input">;
/** What the server's handler receives: the same, parsed (defaults applied, strings trimmed). */
export type ParsedRequestOf<E extends Endpoint> = InputPart<E, "params", "output"> & InputPart<E, "query", "output"> & InputPart<E, "body", "output">;

type SuccessSpec<R> = { [S in keyof R]: S extends number ? (`${S}` extends `2${string}` ? R[S] : never) : never }[keyof R];
type BodyOf<Spec> = Spec extends null
  ? undefined
  : Spec extends z.ZodType
    ? z.output<Spec>
    : Spec extends { contentType: "application/gzip" }
      ? Uint8Array
      : Spec extends RawResponse
        ? string
        : never;

/** The JSON a successful call answers (undefined for 204, the text for a raw answer). */
export type ResponseOf<E extends Endpoint> = E extends Endpoint<z.ZodType, z.ZodType, z.ZodType, infer R> ? BodyOf<SuccessSpec<R>> : never;
