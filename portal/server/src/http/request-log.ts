import { randomUUID } from "node:crypto";
import type { Middleware } from "koa";
import type { Logger } from "pino";
import type { PortalState } from "./state.js";

/**
 * One log line per request: method, path without its query (links carry tokens there), status, time and
 * user. Headers and bodies are never logged.
 */
export function requestLog(logger: Logger): Middleware<PortalState> {
  return async (ctx, next) => {
    const started = performance.now();
    ctx.state.requestId = randomUUID();
    ctx.set("X-Request-Id", ctx.state.requestId);
    try {
      await next();
    } finally {
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

/** Headers that cost nothing and close whole classes of browser attacks. */
export const securityHeaders: Middleware<PortalState> = async (ctx, next) => {
  ctx.set({
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
  });
  if (ctx.path.startsWith("/api")) ctx.set("Cache-Control", "no-store");
  await next();
};
