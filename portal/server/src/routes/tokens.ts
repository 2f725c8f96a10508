import Router from "@koa/router";
import { z } from "zod";
import { requireSession, requireUser } from "../http/auth.js";
import type { PortalState } from "../http/state.js";
import { parseInput } from "../http/validation.js";
import { notFound } from "../errors.js";
import { presentApiToken, type ApiTokens } from "../services/api-tokens.js";
import { nameField } from "./fields.js";

const createBody = z.strictObject({ name: nameField });

/** Personal access tokens. Creating one needs a password login: a leaked token cannot mint more. */
export function tokensRoutes(router: Router<PortalState>, apiTokens: ApiTokens): void {
  router.get("/api/me/tokens", requireUser, async (ctx) => {
    ctx.body = { items: (await apiTokens.list(ctx.state.auth.user!)).map(presentApiToken) };
  });

  router.post("/api/me/tokens", requireSession, async (ctx) => {
    const { name } = parseInput(createBody, ctx.request.body);
    const { token, apiToken } = await apiTokens.create(ctx.state.auth.user!, name);
    ctx.status = 201;
    ctx.body = { token: { ...presentApiToken(apiToken), token } };
  });

  router.delete("/api/me/tokens/:id", requireUser, async (ctx) => {
    if (!(await apiTokens.revoke(ctx.state.auth.user!, ctx.params.id!))) throw notFound("The token");
    ctx.status = 204;
  });
}
