/** Sign-up, e-mail confirmation, login and password reset: /api/auth. */
import { z } from "zod";
import { acceptedAnswer, emailField, nameField, passwordField, timestamp, tokenField } from "./common.js";
import { endpoint } from "./endpoint.js";
import { passwordProblem } from "./passwords.js";

export const user = z
  .strictObject({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    emailConfirmed: z.boolean(),
    isAdmin: z.boolean(),
    createdAt: timestamp,
  })
  .meta({ id: "User" });
export type User = z.infer<typeof user>;
export const userAnswer = z.strictObject({ user });
/** A sign-up's answer: the same whether the address was free or not (no account enumeration), so no id yet. */
export const pendingUser = z.strictObject({ email: z.string(), name: z.string(), emailConfirmed: z.literal(false) });

export const registerBody = z.strictObject({ email: emailField, password: passwordField, name: nameField }).superRefine(
  (body, ctx) => {
    // Checked with the other fields, so a form learns every problem at once.
    const problem = typeof body.password === "string" ? passwordProblem(body.password, typeof body.email === "string" ? body.email : "") : undefined;
    if (problem) ctx.addIssue({ code: "custom", path: ["password"], message: problem });
  },
  { when: (payload) => typeof payload.value === "object" && payload.value !== null },
);
const emailBody = z.strictObject({ email: emailField });

export const register = endpoint({
  id: "register",
  method: "POST",
  path: "/api/auth/register",
  summary: "Create an account; a confirmation link is mailed to the address",
  access: "public",
  body: registerBody,
  responses: { 201: z.strictObject({ user: pendingUser }) },
});

export const confirmEmail = endpoint({
  id: "confirmEmail",
  method: "POST",
  path: "/api/auth/confirm",
  summary: "Confirm an e-mail address with the token from the mailed link",
  access: "public",
  body: z.strictObject({ token: tokenField }),
  responses: { 200: userAnswer },
});

export const resendConfirmation = endpoint({
  id: "resendConfirmation",
  method: "POST",
  path: "/api/auth/resend",
  summary: "Mail a new confirmation link (always 202: no account enumeration)",
  access: "public",
  body: emailBody,
  responses: { 202: acceptedAnswer },
});

export const login = endpoint({
  id: "login",
  method: "POST",
  path: "/api/auth/login",
  summary: "Log in: sets the session cookie",
  access: "public",
  body: z.strictObject({ email: emailField, password: passwordField }),
  responses: { 200: userAnswer },
});

export const logout = endpoint({
  id: "logout",
  method: "POST",
  path: "/api/auth/logout",
  summary: "End this session and clear its cookie",
  access: "public",
  responses: { 204: null },
});

export const requestPasswordReset = endpoint({
  id: "requestPasswordReset",
  method: "POST",
  path: "/api/auth/password-reset",
  summary: "Mail a link to set a new password (always 202)",
  access: "public",
  body: emailBody,
  responses: { 202: acceptedAnswer },
});

export const resetPassword = endpoint({
  id: "resetPassword",
  method: "POST",
  path: "/api/auth/password-reset/confirm",
  summary: "Set a new password with the token from the mailed link; ends every session",
  access: "public",
  body: z.strictObject({ token: tokenField, password: passwordField }),
  responses: { 204: null },
});
