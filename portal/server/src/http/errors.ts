/**
 * The one place errors become responses: `{"error": {"code", "message", "details"}}`. Known errors keep
 * their status; database errors are mapped (objection's recipe) without their SQL; everything else is a
 * 500 that says nothing about internals and is logged with the request id.
 */
import type { Middleware } from "koa";
import { CheckViolationError, ConstraintViolationError, DataError, ForeignKeyViolationError, NotFoundError, NotNullViolationError, UniqueViolationError } from "objection";
import type { Logger } from "pino";
import { AppError } from "../errors.js";
import type { PortalState } from "./state.js";

interface HttpError extends Error {
  status?: number;
  statusCode?: number;
  expose?: boolean;
  type?: string;
}

function fromUnknown(error: unknown): AppError | undefined {
  if (error instanceof AppError) return error;
  if (error instanceof UniqueViolationError) return new AppError(409, "conflict", "That already exists.");
  if (error instanceof NotFoundError) return new AppError(404, "not_found", "Not found.");
  if (error instanceof ForeignKeyViolationError) return new AppError(409, "conflict", "That refers to something that does not exist.");
  if (error instanceof NotNullViolationError || error instanceof CheckViolationError || error instanceof ConstraintViolationError || error instanceof DataError) {
    return new AppError(400, "invalid_request", "The request has a value the database refuses.");
  }
  const http = error as HttpError;
  const status = http.status ?? http.statusCode;
  // Errors of Koa's own middleware (body parsing), which carry an HTTP status.
  if (http.type === "entity.too.large" || status === 413) return new AppError(413, "payload_too_large", "The request body is larger than 1 MB.");
  // co-body throws SyntaxErrors with status 400 for malformed JSON, non-object JSON and __proto__ keys.
  if (http.type === "entity.parse.failed" || (error instanceof SyntaxError && status === 400)) {
    return new AppError(400, "invalid_json", "The request body is not valid JSON: send one JSON object.");
  }
  if (http.type === "encoding.unsupported" || http.type === "charset.unsupported") return new AppError(415, "unsupported_media_type", "Send the body as UTF-8 JSON.");
  if (typeof status === "number" && status >= 400 && status < 500) {
    const code = status === 404 ? "not_found" : status === 405 ? "method_not_allowed" : "bad_request";
    return new AppError(status, code, http.expose && http.message ? http.message : "The request cannot be handled.");
  }
  return undefined;
}

export function errorHandler(logger: Logger): Middleware<PortalState> {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined && ctx.path.startsWith("/api")) {
        throw new AppError(404, "not_found", `There is no ${ctx.method} ${ctx.path}.`);
      }
    } catch (error) {
      const known = fromUnknown(error);
      if (known) {
        ctx.status = known.status;
        ctx.set(known.headers);
        ctx.body = { error: { code: known.code, message: known.message, ...(known.details !== undefined ? { details: known.details } : {}) } };
        return;
      }
      logger.error({ err: error, requestId: ctx.state.requestId }, "unexpected error");
      ctx.status = 500;
      ctx.set("X-Request-Id", ctx.state.requestId);
      ctx.body = { error: { code: "internal_error", message: `Something went wrong on our side; quote request ${ctx.state.requestId} if you report it.` } };
    }
  };
}
