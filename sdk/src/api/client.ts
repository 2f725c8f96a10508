/**
 * The typed client of the portal's API, for the web app and the CLI: `client.call(endpoints.getProject,
 * { params: { name: "shop" } })` answers the type the endpoint's schema says. How requests travel is a
 * transport: fetch here (the CLI, scripts), axios in the web app.
 */
import type { FieldProblem } from "./common.js";
import type { Endpoint, RequestOf, ResponseOf } from "./endpoint.js";

export interface ApiRequest {
  method: string;
  /** The path with its parameters filled in, e.g. `/api/projects/shop`. */
  path: string;
  query?: Record<string, string>;
  /** JSON; absent for requests without a body. */
  body?: unknown;
  /** What the answer is: JSON, text, or bytes (an archive). */
  accept: "json" | "text" | "bytes";
}

export interface ApiAnswer {
  status: number;
  body: unknown;
}

/** Sends a request; answers non-2xx by throwing (a PortalApiError, or the transport's own error type). */
export type Transport = (request: ApiRequest) => Promise<ApiAnswer>;

/** An error answer of the API: its status, stable code, sentence and, for invalid_request, the fields. */
export class PortalApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "PortalApiError";
  }

  /** One problem per field for 400 invalid_request; empty otherwise. */
  get fields(): FieldProblem[] {
    return Array.isArray(this.details) ? (this.details as FieldProblem[]).filter((problem) => typeof problem?.path === "string") : [];
  }

  static fromAnswer(status: number, body: unknown): PortalApiError {
    const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
    if (error && typeof error.code === "string" && typeof error.message === "string") return new PortalApiError(status, error.code, error.message, error.details);
    return new PortalApiError(status, `http_${status}`, `The portal answered ${status} without an error message.`);
  }
}

/** `/api/projects/{name}` with `{ name: "shop" }`: `/api/projects/shop`, each value URL-encoded. */
export function fillPath(path: string, params: Record<string, string> = {}): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`the path ${path} needs the parameter ${name}`);
    return encodeURIComponent(value);
  });
}

function acceptOf(endpoint: Endpoint): ApiRequest["accept"] {
  const success = Object.entries(endpoint.responses).find(([status]) => status.startsWith("2"))?.[1];
  if (success && typeof (success as { contentType?: unknown }).contentType === "string") {
    return (success as { contentType: string }).contentType === "application/gzip" ? "bytes" : "text";
  }
  return "json";
}

type CallArguments<E extends Endpoint> = Record<string, never> extends RequestOf<E> ? [request?: RequestOf<E>] : [request: RequestOf<E>];

export class PortalClient {
  constructor(private readonly transport: Transport) {}

  async call<E extends Endpoint>(endpoint: E, ...[request]: CallArguments<E>): Promise<ResponseOf<E>> {
    const { params, query, body } = (request ?? {}) as { params?: Record<string, string>; query?: Record<string, unknown>; body?: unknown };
    const answer = await this.transport({
      method: endpoint.method,
      path: fillPath(endpoint.path, params),
      query: query
        ? Object.fromEntries(
            Object.entries(query)
              .filter(([, value]) => value !== undefined)
              .map(([key, value]) => [key, String(value)]),
          )
        : undefined,
      body,
      accept: acceptOf(endpoint),
    });
    return answer.body as ResponseOf<E>;
  }
}

export interface FetchTransportOptions {
  /** The portal's address, e.g. `https://portal.example.com`. */
  baseUrl: string;
  /** A personal access token, sent as `Authorization: Bearer`. */
  token?: string;
  fetch?: typeof fetch;
  /** Per request; default 60 s. */
  timeoutMs?: number;
}

/** Requests with fetch, authenticated by a token: what scripts and the CLI use. */
export function fetchTransport({ baseUrl, token, fetch: send = fetch, timeoutMs = 60_000 }: FetchTransportOptions): Transport {
  const base = baseUrl.replace(/\/+$/, "");
  return async (request) => {
    const url = new URL(base + request.path);
    for (const [key, value] of Object.entries(request.query ?? {})) url.searchParams.set(key, value);
    const headers: Record<string, string> = { accept: request.accept === "json" ? "application/json" : "*/*" };
    if (token) headers.authorization = `Bearer ${token}`;
    if (request.body !== undefined) headers["content-type"] = "application/json";
    const response = await send(url, {
      method: request.method,
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const type = response.headers.get("content-type") ?? "";
    if (!response.ok) {
      const body = type.includes("json") ? await response.json().catch(() => undefined) : undefined;
      throw PortalApiError.fromAnswer(response.status, body);
    }
    if (response.status === 204) return { status: 204, body: undefined };
    if (request.accept === "bytes") return { status: response.status, body: new Uint8Array(await response.arrayBuffer()) };
    if (request.accept === "text") return { status: response.status, body: await response.text() };
    return { status: response.status, body: await response.json() };
  };
}
