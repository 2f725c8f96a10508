import Router from "@koa/router";
import { z } from "zod";
import { clearSessionCookie, setSessionCookie } from "../http/auth.js";
import type { PortalState } from "../http/state.js";
import { presentUser } from "../presenters/users.js";
import { parseInput } from "../http/validation.js";
import type { Accounts } from "../services/accounts.js";
import { passwordProblem } from "../services/passwords.js";
import type { Sessions } from "../services/sessions.js";
import { clientOf, emailField, nameField, passwordField, tokenField } from "./fields.js";

const registerBody = z.strictObject({ email: emailField, password: passwordField, name: nameField }).superRefine(
  (body, ctx) => {
    // Checked here too (the service checks again), so a form learns every problem at once.
    const problem = typeof body.password === "string" ? passwordProblem(body.password, typeof body.email === "string" ? body.email : "") : undefined;
    if (problem) ctx.addIssue({ code: "custom", path: ["password"], message: problem });
  },
  { when: (payload) => typeof payload.value === "object" && payload.value !== null },
);
const tokenBody = z.strictObject({ token: tokenField });
const emailBody = z.strictObject({ email: emailField });
const loginBody = z.strictObject({ email: emailField, password: passwordField });
const resetBody = z.strictObject({ token: tokenField, password: passwordField });

export function authRoutes(router: Router<PortalState>, accounts: Accounts, sessions: Sessions, secureCookies: boolean): void {
  router.post("/api/auth/register", async (ctx) => {
    const user = await accounts.register(parseInput(registerBody, ctx.request.body));
    ctx.status = 201;
    ctx.body = { user };
  });

  router.post("/api/auth/confirm", async (ctx) => {
    const { token } = parseInput(tokenBody, ctx.request.body);
    ctx.body = { user: presentUser(await accounts.confirmEmail(token), accounts) };
  });

  router.post("/api/auth/resend", async (ctx) => {
    await accounts.resendConfirmation(parseInput(emailBody, ctx.request.body).email);
    ctx.status = 202;
    ctx.body = { status: "If the address has an unconfirmed account, a new link is on its way." };
  });

  router.post("/api/auth/login", async (ctx) => {
    const input = parseInput(loginBody, ctx.request.body);
    const { user, token } = await accounts.login(input, clientOf(ctx));
    setSessionCookie(ctx, token, secureCookies);
    ctx.body = { user: presentUser(user, accounts) };
  });

  router.post("/api/auth/logout", async (ctx) => {
    if (ctx.state.auth.session) await sessions.revoke(ctx.state.auth.session);
    clearSessionCookie(ctx, secureCookies);
    ctx.status = 204;
  });

  router.post("/api/auth/password-reset", async (ctx) => {
    await accounts.requestPasswordReset(parseInput(emailBody, ctx.request.body).email);
    ctx.status = 202;
    ctx.body = { status: "If the address has an account, a link to set a new password is on its way." };
  });

  router.post("/api/auth/password-reset/confirm", async (ctx) => {
    const { token, password } = parseInput(resetBody, ctx.request.body);
    await accounts.resetPassword(token, password);
    clearSessionCookie(ctx, secureCookies);
    ctx.status = 204;
  });
}
