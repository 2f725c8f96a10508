import type Router from "@koa/router";
import { endpoints } from "@babyhelm/sdk/api";
import { clearSessionCookie } from "../http/auth.js";
import { contractRoutes } from "../http/contract-routes.js";
import { limitedToken } from "../errors.js";
import type { PortalState } from "../http/state.js";
import { presentUser } from "../presenters/users.js";
import type { Accounts } from "../services/accounts.js";
import { clientOf } from "./fields.js";

export function meRoutes(router: Router<PortalState>, accounts: Accounts, secureCookies: boolean): void {
  const api = contractRoutes(router);
  api.on(endpoints.getMe, (ctx) => ({ user: presentUser(ctx.state.auth.user!, accounts) }));

  api.on(endpoints.updateMe, async (ctx, { body }) => {
    // The account is its user's, not a CI job's: a token limited to a project or a role cannot change it.
    if (ctx.state.auth.limits) throw limitedToken("change the account");
    return { user: presentUser(await accounts.updateProfile(ctx.state.auth.user!, body), accounts) };
  });

  // Password change and deletion need a password login (the contract's `session` access): a leaked token must not take the account over.
  api.on(endpoints.changePassword, async (ctx, { body }) => {
    await accounts.changePassword(ctx.state.auth.user!, body.currentPassword, body.newPassword, clientOf(ctx), ctx.state.auth.session!.id);
  });

  api.on(endpoints.deleteMe, async (ctx, { body }) => {
    await accounts.deleteAccount(ctx.state.auth.user!, body.password, clientOf(ctx));
    clearSessionCookie(ctx, secureCookies);
  });
}
