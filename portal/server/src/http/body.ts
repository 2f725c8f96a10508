/**
 * Request bodies: JSON only, UTF-8, uncompressed, at most 1 MB. The rules, and why (README "request rules"):
 * - a request with a body says `Content-Type: application/json` (415 otherwise);
 * - a DELETE, PUT or PATCH without a body needs no content type: a browser cannot send those methods across
 *   sites without a CORS preflight, which the portal never grants;
 * - a POST without a body, authenticated by the session cookie, still says `application/json`: a cross-site
 *   form can POST with the cookie attached, but never with that type (it needs the same preflight);
 * - a request with a bearer token needs neither: browsers never attach one on their own.
 */
import { bodyParser } from "@koa/bodyparser";
import type { Middleware } from "koa";
import { AppError } from "../errors.js";
import { SESSION_COOKIE } from "../services/sessions.js";
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

/** Whether the request carries a body: a length above 0, or a chunked one (whose length is unknown). */
function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  const length = headers["content-length"];
  return headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0");
}

/** Checks the declared type of state-changing requests and parses their JSON; other requests pass untouched. */
export const jsonBody: Middleware<PortalState> = (ctx, next) => {
  if (!STATE_CHANGING.has(ctx.method)) return next();
  if (!hasBody(ctx.req.headers)) {
    // Nothing to parse; only a POST the session cookie would authenticate (no Authorization header, which
    // takes precedence) must still prove it is not a cross-site form.
    const byCookie = ctx.get("authorization") === "" && ctx.cookies.get(SESSION_COOKIE) !== undefined;
    if (ctx.method !== "POST" || !byCookie || ctx.request.type === "application/json") {
      // As the parser leaves it for an empty JSON body: routes check fields, "email: is required".
      ctx.request.body = {};
      return next();
    }
    throw new AppError(
      415,
      "unsupported_media_type",
      "A POST signed in with the session cookie must say Content-Type: application/json, even without a body (so a cross-site form cannot send it); scripts can use a personal access token instead.",
    );
  }
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
