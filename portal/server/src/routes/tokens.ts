import type Router from "@koa/router";
import { endpoints } from "@babyhelm/sdk/api";
import { contractRoutes } from "../http/contract-routes.js";
import type { PortalState } from "../http/state.js";
import { limitedToken, notFound } from "../errors.js";
import { presentApiToken, type ApiTokens } from "../services/api-tokens.js";

/**
 * Personal access tokens. Creating one needs a password login: a leaked token cannot mint more. A token may
 * be limited to one project and a role, and expire (the contract's createTokenBody; access/token-scope.ts).
 */
export function tokensRoutes(router: Router<PortalState>, apiTokens: ApiTokens): void {
  const api = contractRoutes(router);
  // A limited token (one project, or a role) sees and revokes itself only: a leaked CI token must not be
  // able to list its user's other tokens or revoke them.
  api.on(endpoints.listTokens, async (ctx) => {
    const own = ctx.state.auth.limits ? ctx.state.auth.apiToken?.id : undefined;
    const tokens = await apiTokens.list(ctx.state.auth.user!);
    return { items: tokens.filter((token) => own === undefined || token.id === own).map(presentApiToken) };
  });

  api.on(endpoints.createToken, async (ctx, { body }) => {
    const { token, apiToken } = await apiTokens.create(ctx.state.auth.user!, body);
    return { token: { ...presentApiToken(apiToken), token } };
  });

  api.on(endpoints.deleteToken, async (ctx, { params }) => {
    if (ctx.state.auth.limits && !sameId(params.id, ctx.state.auth.apiToken!.id)) throw limitedToken("revoke other tokens");
    if (!(await apiTokens.revoke(ctx.state.auth.user!, params.id))) throw notFound("The token");
  });
}

/** Ids as a URL may write them (`007`) and as stored (`7`); bigint ids outgrow a Number. */
function sameId(given: string, stored: string): boolean {
  return /^\d{1,18}$/.test(given) && BigInt(given) === BigInt(stored);
}
