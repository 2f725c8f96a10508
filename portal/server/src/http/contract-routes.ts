/**
 * Registers a route by its endpoint in the API contract (`@babyhelm/sdk/api`): the contract says the
 * method, the path, who may call it and the schemas, so a route cannot drift from the OpenAPI document
 * or the typed client. The handler gets the parsed request and returns the answer's body.
 */
import type Router from "@koa/router";
import type { RouterContext, RouterMiddleware } from "@koa/router";
import { isRawResponse, type Endpoint, type ParsedRequestOf, type ResponseOf } from "@babyhelm/sdk/api";
import { requireSession, requireUser } from "./auth.js";
import type { WithProject } from "./project-access.js";
import type { PortalState } from "./state.js";
import { parseInput, refuseUnstorable } from "./validation.js";
import type { Wire } from "./wire.js";

export type { Wire } from "./wire.js";

/**
 * JSON that is already text, answered as it is: Prometheus' own query_range answer (routes/metrics.ts)
 * passes through unparsed. The contract's schema still describes it, and the tests validate it.
 */
export class JsonText {
  constructor(readonly text: string) {}
}

/** What a handler returns: the JSON answer (instants may be Dates, see wire.ts), or nothing for a raw one it set itself. */
type Answer<E extends Endpoint> = ResponseOf<E> extends string | Uint8Array | undefined ? void : Wire<ResponseOf<E>> | JsonText;

export type ContractHandler<E extends Endpoint> = (ctx: RouterContext<PortalState>, request: ParsedRequestOf<E>) => Answer<E> | Promise<Answer<E>>;

export interface RouteOptions {
  /**
   * Middleware run after the access rule and before the request is parsed: a check that must answer first
   * (a limited token's 403 before a body's 400) or one a schema cannot word (a repeated query parameter).
   */
  before?: RouterMiddleware<PortalState>[];
}

export interface Guards {
  /** For endpoints of one project: loads the membership (see project-access.ts). */
  project?: WithProject;
  /** For platform-admin endpoints, after requireUser. */
  admin?: RouterMiddleware<PortalState>;
}

/**
 * `prefix` is the router's own prefix (e.g. `/api/projects`), cut from the endpoints' paths; paths go
 * from OpenAPI's `{name}` to the router's `:name`.
 */
export function contractRoutes(router: Router<PortalState>, guards: Guards = {}, prefix = "") {
  const guardsOf = (endpoint: Endpoint): RouterMiddleware<PortalState>[] => {
    const access = endpoint.access;
    if (access === "public") return [];
    if (access === "user") return [requireUser];
    if (access === "session") return [requireSession];
    if (access === "admin") {
      if (!guards.admin) throw new Error(`${endpoint.id}: an admin endpoint needs the admin guard`);
      return [requireUser, guards.admin];
    }
    if (!guards.project) throw new Error(`${endpoint.id}: a project endpoint needs the project guard`);
    return [guards.project(access.project)];
  };

  return {
    on<E extends Endpoint>(endpoint: E, handler: ContractHandler<E>, options: RouteOptions = {}): void {
      if (!endpoint.path.startsWith(prefix)) throw new Error(`${endpoint.id}: ${endpoint.path} is not under ${prefix}`);
      const path = endpoint.path.slice(prefix.length).replace(/\{(\w+)\}/g, ":$1") || "/";
      const success = Object.entries(endpoint.responses).find(([status]) => status.startsWith("2"));
      const status = success ? Number(success[0]) : 200;
      const raw = success ? success[1] !== null && isRawResponse(success[1]) : false;
      const handle: RouterMiddleware<PortalState> = async (ctx) => {
        const request = {
          ...(endpoint.params ? { params: parseInput(endpoint.params, { ...ctx.params }) } : {}),
          ...(endpoint.query ? { query: parseInput(endpoint.query, ctx.query) } : {}),
          ...(endpoint.body ? { body: parseInput(endpoint.body, ctx.request.body ?? {}) } : {}),
        } as ParsedRequestOf<E>;
        // The contract's success status, unless the handler picks another of the endpoint's (201 or 200, 200 or 202).
        ctx.status = status;
        const body = await handler(ctx, request);
        if (body instanceof JsonText) {
          ctx.type = "application/json";
          ctx.body = body.text;
        } else if (!raw && body !== undefined) ctx.body = body;
      };
      // The guards read path parameters (a project's name) before they are parsed: they are checked first.
      const storableParams: RouterMiddleware<PortalState> = (ctx, next) => {
        refuseUnstorable(ctx.params);
        return next();
      };
      router.register(path, [endpoint.method], [storableParams, ...guardsOf(endpoint), ...(options.before ?? []), handle]);
    },
  };
}
