/** The account of whoever asks: /api/me. */
import { z } from "zod";
import { nameField, passwordField } from "./common.js";
import { endpoint } from "./endpoint.js";
import { userAnswer } from "./auth.js";

export const getMe = endpoint({
  id: "getMe",
  method: "GET",
  path: "/api/me",
  summary: "The account that is logged in (or owns the token)",
  access: "user",
  responses: { 200: userAnswer },
});

export const updateMe = endpoint({
  id: "updateMe",
  method: "PATCH",
  path: "/api/me",
  summary: "Change the account's name",
  access: "user",
  body: z
    .strictObject({ name: nameField })
    .partial()
    .refine((body) => Object.keys(body).length > 0, { message: "send at least one field to change: name" }),
  responses: { 200: userAnswer },
});

// Password change and deletion need a password login: a leaked token must not take the account over.
export const changePassword = endpoint({
  id: "changePassword",
  method: "POST",
  path: "/api/me/password",
  summary: "Change the password; ends the account's other sessions",
  access: "session",
  body: z.strictObject({ currentPassword: passwordField, newPassword: passwordField }),
  responses: { 204: null },
});

export const deleteMe = endpoint({
  id: "deleteMe",
  method: "DELETE",
  path: "/api/me",
  summary: "Delete the account (refused while it is the last owner of a project with other members)",
  access: "session",
  body: z.strictObject({ password: passwordField }),
  responses: { 204: null },
});
