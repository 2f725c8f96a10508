import { randomBytes } from "node:crypto";
import type { Middleware } from "koa";
import type { Logger } from "pino";
import type { PortalState } from "./state.js";

/** Request ids: unique per process start and request, and cheap (a random UUID per request is not). */
const processId = randomBytes(6).toString("hex");
let requestCount = 0;

/**
 * One log line per request: method, path without its query (links carry tokens there), status, time and
 * user. Headers and bodies are never logged.
 */
export function requestLog(logger: Logger, isStopping: () => boolean = () => false): Middleware<PortalState> {
  return async (ctx, next) => {
    const started = performance.now();
    ctx.state.requestId = `${processId}-${(++requestCount).toString(36)}`;
    try {
      await next();
    } finally {
      // Once the server stops, every response closes its connection: keep-alive clients cannot hold it open.
      if (isStopping()) ctx.set("Connection", "close");
      if (logger.isLevelEnabled("info"))
        logger.info(
          {
            requestId: ctx.state.requestId,
            method: ctx.method,
            path: ctx.path,
            status: ctx.status,
            ms: Math.round((performance.now() - started) * 10) / 10,
            userId: ctx.state.auth?.user?.id,
          },
          "request",
        );
    }
  };
}

/**
 * Headers that close whole classes of browser attacks. API responses are JSON, never rendered or framed:
 * they need only nosniff and no-store, and every byte of headers is paid on every request.
 */
export const securityHeaders: Middleware<PortalState> = (ctx, next) => {
  if (ctx.path.startsWith("/api/")) {
    ctx.set({ "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store" });
  } else {
    ctx.set({
      "X-Content-Type-Options": "nosniff",
      "X-Frame-Options": "DENY",
      "Referrer-Policy": "same-origin",
      "Cross-Origin-Opener-Policy": "same-origin",
    });
  }
  return next();
};
