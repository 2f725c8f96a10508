/**
 * Request bodies: JSON only, at most 1 MB. A request that changes state and carries a body in any other
 * type gets 415; besides being the contract, this keeps cross-site forms (which cannot send JSON) out.
 */
import { bodyParser } from "@koa/bodyparser";
import type { Middleware } from "koa";
import { AppError } from "../errors.js";
import type { PortalState } from "./state.js";

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);
export const MAX_BODY = "1mb";

function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  return headers["transfer-encoding"] !== undefined || Number(headers["content-length"] ?? 0) > 0 || headers["content-type"] !== undefined;
}

export function jsonOnly(): Middleware<PortalState> {
  return async (ctx, next) => {
    if (STATE_CHANGING.has(ctx.method) && hasBody(ctx.headers)) {
      if (!ctx.is("application/json")) {
        throw new AppError(415, "unsupported_media_type", "Send the request body as JSON, with Content-Type: application/json.");
      }
      const charset = /;\s*charset=("?)([^";]+)\1/i.exec(ctx.get("content-type"))?.[2]?.toLowerCase();
      if (charset !== undefined && charset !== "utf-8" && charset !== "utf8") {
        throw new AppError(415, "unsupported_media_type", "Send the request body as UTF-8 JSON.");
      }
    }
    await next();
  };
}

export function jsonBody(): Middleware<PortalState> {
  return bodyParser({
    enableTypes: ["json"],
    jsonLimit: MAX_BODY,
    jsonStrict: true,
    encoding: "utf-8",
    parsedMethods: ["POST", "PUT", "PATCH", "DELETE"],
  }) as unknown as Middleware<PortalState>;
}
