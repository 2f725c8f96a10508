import Router from "@koa/router";
import { z } from "zod";
import { clearSessionCookie, requireSession, requireUser } from "../http/auth.js";
import type { PortalState } from "../http/state.js";
import { presentUser } from "../presenters/users.js";
import { parseInput } from "../http/validation.js";
import type { Accounts } from "../services/accounts.js";
import { clientOf, nameField, passwordField } from "./fields.js";

const profileBody = z.strictObject({ name: nameField }).partial().refine((body) => Object.keys(body).length > 0, { message: "send at least one field to change: name" });
const passwordChangeBody = z.strictObject({ currentPassword: passwordField, newPassword: passwordField });
const deleteBody = z.strictObject({ password: passwordField });

export function meRoutes(router: Router<PortalState>, accounts: Accounts, secureCookies: boolean): void {
  router.get("/api/me", requireUser, (ctx) => {
    ctx.body = { user: presentUser(ctx.state.auth.user!, accounts) };
  });

  router.patch("/api/me", requireUser, async (ctx) => {
    const user = await accounts.updateProfile(ctx.state.auth.user!, parseInput(profileBody, ctx.request.body));
    ctx.body = { user: presentUser(user, accounts) };
  });

  // Password change and deletion need a password login: a leaked token must not take the account over.
  router.post("/api/me/password", requireSession, async (ctx) => {
    const { currentPassword, newPassword } = parseInput(passwordChangeBody, ctx.request.body);
    await accounts.changePassword(ctx.state.auth.user!, currentPassword, newPassword, clientOf(ctx), ctx.state.auth.session!.id);
    ctx.status = 204;
  });

  router.delete("/api/me", requireSession, async (ctx) => {
    const { password } = parseInput(deleteBody, ctx.request.body);
    await accounts.deleteAccount(ctx.state.auth.user!, password, clientOf(ctx));
    clearSessionCookie(ctx, secureCookies);
    ctx.status = 204;
  });
}
