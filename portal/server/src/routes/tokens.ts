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
export function tokensRouter(apiTokens: ApiTokens) {
  const router = new Router<PortalState>({ prefix: "/api/me/tokens" });
  router.use(requireUser);

  router.get("/", async (ctx) => {
    ctx.body = { items: (await apiTokens.list(ctx.state.auth.user!)).map(presentApiToken) };
  });

  router.post("/", requireSession, async (ctx) => {
    const { name } = parseInput(createBody, ctx.request.body);
    const { token, apiToken } = await apiTokens.create(ctx.state.auth.user!, name);
    ctx.status = 201;
    ctx.body = { token: { ...presentApiToken(apiToken), token } };
  });

  router.delete("/:id", async (ctx) => {
    if (!(await apiTokens.revoke(ctx.state.auth.user!, ctx.params.id!))) throw notFound("The token");
    ctx.status = 204;
  });

  return router;
}
