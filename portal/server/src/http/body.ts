/**
 * Request bodies: JSON only, UTF-8, uncompressed, at most 1 MB. Every request that changes state says
 * `Content-Type: application/json`, with a body or without; besides being the contract, this keeps
 * cross-site forms and bodyless cross-site posts out: a browser sends that type across sites only after a
 * CORS preflight, which the portal never grants.
 */
import { bodyParser } from "@koa/bodyparser";
import type { Middleware } from "koa";
import { AppError } from "../errors.js";
import type { PortalState } from "./state.js";

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);
export const MAX_BODY = "1mb";

const parseJson = bodyParser({
  enableTypes: ["json"],
  jsonLimit: MAX_BODY,
  jsonStrict: true,
  encoding: "utf-8",
  parsedMethods: [...STATE_CHANGING],
}) as unknown as Middleware<PortalState>;

/** Checks the declared type of state-changing requests and parses their JSON; other requests pass untouched. */
export const jsonBody: Middleware<PortalState> = (ctx, next) => {
  if (!STATE_CHANGING.has(ctx.method)) return next();
  // ctx.is() answers null for a bodyless request; the declared type is what counts here.
  if (ctx.request.type !== "application/json") {
    throw new AppError(415, "unsupported_media_type", "Send the request body as JSON, with Content-Type: application/json.");
  }
  const charset = /;\s*charset=("?)([^";]+)\1/i.exec(ctx.get("content-type"))?.[2]?.toLowerCase();
  if (charset !== undefined && charset !== "utf-8" && charset !== "utf8") {
    throw new AppError(415, "unsupported_media_type", "Send the request body as UTF-8 JSON.");
  }
  const encoding = ctx.get("content-encoding").toLowerCase();
  if (encoding !== "" && encoding !== "identity") {
    throw new AppError(415, "unsupported_media_type", "Send the request body uncompressed (no Content-Encoding).");
  }
  return parseJson(ctx, next);
};
