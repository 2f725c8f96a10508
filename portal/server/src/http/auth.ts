/** Who is asking: a session cookie, or `Authorization: Bearer bh_...`. */
import type { Middleware } from "koa";
import { sessionRequired, unauthenticated } from "../errors.js";
import type { ApiTokens } from "../services/api-tokens.js";
import { SESSION_COOKIE, SESSION_IDLE_MS, type Sessions } from "../services/sessions.js";
import type { PortalContext, PortalState } from "./state.js";
import { limitsOf } from "../access/token-scope.js";

export function sessionCookieOptions(secure: boolean) {
  return { httpOnly: true, sameSite: "lax" as const, secure, path: "/", overwrite: true };
}

/**
 * Over https the cookie is `Secure` even when the portal itself is reached over plain http (TLS ends at
 * the ingress): the cookies library would otherwise refuse to set it.
 */
function cookies(ctx: PortalContext, secure: boolean) {
  if (secure) ctx.cookies.secure = true;
  return ctx.cookies;
}

export function setSessionCookie(ctx: PortalContext, token: string, secure: boolean): void {
  cookies(ctx, secure).set(SESSION_COOKIE, token, { ...sessionCookieOptions(secure), maxAge: SESSION_IDLE_MS });
}

export function clearSessionCookie(ctx: PortalContext, secure: boolean): void {
  cookies(ctx, secure).set(SESSION_COOKIE, "", { ...sessionCookieOptions(secure), maxAge: 0, expires: new Date(0) });
}

export function authenticate(sessions: Sessions, apiTokens: ApiTokens, secureCookies: boolean): Middleware<PortalState> {
  return async (ctx, next) => {
    ctx.state.auth = {};
    const header = ctx.get("authorization");
    if (header) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      const found = match ? await apiTokens.authenticate(match[1]!) : undefined;
      // A credential that does not work is an error, not an anonymous request.
      if (!found) throw unauthenticated();
      ctx.state.auth = { user: found.user, apiToken: found.apiToken, limits: limitsOf(found.apiToken) };
    } else {
      const token = ctx.cookies.get(SESSION_COOKIE);
      const found = token ? await sessions.authenticate(token) : undefined;
      if (found) {
        ctx.state.auth = { user: found.user, session: found.session };
        // Sliding expiry: when the session was renewed, the cookie is renewed with it.
        if (found.renewed) setSessionCookie(ctx, token!, secureCookies);
      } else if (token) {
        clearSessionCookie(ctx, secureCookies);
      }
    }
    await next();
  };
}

export const requireUser: Middleware<PortalState> = async (ctx, next) => {
  if (!ctx.state.auth.user) throw unauthenticated();
  await next();
};

export const requireSession: Middleware<PortalState> = async (ctx, next) => {
  if (!ctx.state.auth.user) throw unauthenticated();
  if (!ctx.state.auth.session) throw sessionRequired();
  await next();
};
