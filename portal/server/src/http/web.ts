/**
 * The web app: files of the Vite build (portal/web/dist), and index.html for every other GET outside /api,
 * so the browser's router can take over (history mode). Hashed assets are cached for good; index.html never.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Middleware } from "koa";
import serve from "koa-static";
import type { Logger } from "pino";
import type { PortalState } from "./state.js";

// import.meta.dirname, not URLs: the web app's tests replace the global URL with happy-dom's.
export const WEB_ROOT = join(import.meta.dirname, "..", "..", "..", "web");
export const WEB_DIST = join(WEB_ROOT, "dist");

const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join("; ");

/** Builds the web app when its build is missing (a fresh clone's `npm start`); Vite is a development dependency. */
export async function ensureWebBuilt(logger: Logger): Promise<void> {
  if (existsSync(join(WEB_DIST, "index.html"))) return;
  logger.info("building the web app (first start)");
  const { build } = await import("vite");
  await build({ root: WEB_ROOT, configFile: join(WEB_ROOT, "vite.config.ts"), logLevel: "warn" });
  logger.info("web app built");
}

export function webApp(fallbackPage: string): Middleware<PortalState> {
  const assets = serve(WEB_DIST, {
    index: false,
    setHeaders: (response, path) => {
      response.setHeader("Cache-Control", path.includes(`${join("dist", "assets")}`) ? "public, max-age=31536000, immutable" : "no-cache");
    },
  }) as unknown as Middleware<PortalState>;
  let indexHtml: string | undefined;
  return async (ctx, next) => {
    if (ctx.path.startsWith("/api/") || ctx.path === "/api" || (ctx.method !== "GET" && ctx.method !== "HEAD")) return next();
    ctx.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    await assets(ctx, async () => {});
    if (ctx.body !== undefined) return;
    if (/\.[a-z0-9]+$/i.test(ctx.path) && ctx.path !== "/index.html") return next();
    indexHtml ??= existsSync(join(WEB_DIST, "index.html")) ? readFileSync(join(WEB_DIST, "index.html"), "utf8") : undefined;
    ctx.type = "html";
    ctx.set("Cache-Control", "no-cache");
    ctx.body = indexHtml ?? fallbackPage;
  };
}
