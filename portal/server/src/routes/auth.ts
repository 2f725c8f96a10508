import type Router from "@koa/router";
import { endpoints } from "@babyhelm/sdk/api";
import { clearSessionCookie, setSessionCookie } from "../http/auth.js";
import { contractRoutes } from "../http/contract-routes.js";
import type { PortalState } from "../http/state.js";
import { presentUser } from "../presenters/users.js";
import type { Accounts } from "../services/accounts.js";
import type { Sessions } from "../services/sessions.js";
import { clientOf } from "./fields.js";

export function authRoutes(router: Router<PortalState>, accounts: Accounts, sessions: Sessions, secureCookies: boolean): void {
  const api = contractRoutes(router);
  api.on(endpoints.register, async (_ctx, { body }) => ({ user: await accounts.register(body) }));

  api.on(endpoints.confirmEmail, async (_ctx, { body }) => ({ user: presentUser(await accounts.confirmEmail(body.token), accounts) }));

  api.on(endpoints.resendConfirmation, async (_ctx, { body }) => {
    await accounts.resendConfirmation(body.email);
    return { status: "If the address has an unconfirmed account, a new link is on its way." };
  });

  api.on(endpoints.login, async (ctx, { body }) => {
    const { user, token } = await accounts.login(body, clientOf(ctx));
    setSessionCookie(ctx, token, secureCookies);
    return { user: presentUser(user, accounts) };
  });

  api.on(endpoints.logout, async (ctx) => {
    if (ctx.state.auth.session) await sessions.revoke(ctx.state.auth.session);
    clearSessionCookie(ctx, secureCookies);
  });

  api.on(endpoints.requestPasswordReset, async (_ctx, { body }) => {
    await accounts.requestPasswordReset(body.email);
    return { status: "If the address has an account, a link to set a new password is on its way." };
  });

  api.on(endpoints.resetPassword, async (ctx, { body }) => {
    await accounts.resetPassword(body.token, body.password);
    clearSessionCookie(ctx, secureCookies);
  });
}
