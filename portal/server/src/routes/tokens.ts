import type Router from "@koa/router";
import { endpoints } from "@babyhelm/sdk/api";
import { contractRoutes } from "../http/contract-routes.js";
import type { PortalState } from "../http/state.js";
import { notFound } from "../errors.js";
import { presentApiToken, type ApiTokens } from "../services/api-tokens.js";

/**
 * Personal access tokens. Creating one needs a password login: a leaked token cannot mint more. A token may
 * be limited to one project and a role, and expire (the contract's createTokenBody; access/token-scope.ts).
 */
export function tokensRoutes(router: Router<PortalState>, apiTokens: ApiTokens): void {
  const api = contractRoutes(router);
  api.on(endpoints.listTokens, async (ctx) => ({ items: (await apiTokens.list(ctx.state.auth.user!)).map(presentApiToken) }));

  api.on(endpoints.createToken, async (ctx, { body }) => {
    const { token, apiToken } = await apiTokens.create(ctx.state.auth.user!, body);
    return { token: { ...presentApiToken(apiToken), token } };
  });

  api.on(endpoints.deleteToken, async (ctx, { params }) => {
    if (!(await apiTokens.revoke(ctx.state.auth.user!, params.id))) throw notFound("The token");
  });
}
