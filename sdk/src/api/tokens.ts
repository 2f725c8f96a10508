/** Personal access tokens, for scripts and CI: /api/me/tokens. */
import { z } from "zod";
import { nameField, nullableTimestamp, ROLES, role, timestamp } from "./common.js";
import { endpoint } from "./endpoint.js";

export const TOKEN_MAX_DAYS = 365;
const DAYS = `must be a whole number of days from 1 to ${TOKEN_MAX_DAYS}, or null for a token that does not expire`;

export const apiToken = z
  .strictObject({
    id: z.string(),
    name: z.string(),
    /** The first characters, to tell tokens apart; the rest is never shown again. */
    prefix: z.string(),
    /** The one project it may act on; null: every project of its user. */
    project: z.string().nullable(),
    /** The most it may do there; null: its user's own role. */
    role: role.nullable(),
    expiresAt: nullableTimestamp,
    createdAt: timestamp,
    lastUsedAt: nullableTimestamp,
  })
  .meta({ id: "ApiToken" });
export type ApiToken = z.infer<typeof apiToken>;

/** project, role and expiresInDays may be left out or null: all the user's projects, the user's role, no expiry. */
export const createTokenBody = z.strictObject({
  name: nameField,
  project: z.string().trim().min(1).max(100).nullish(),
  role: z.enum(ROLES, { message: `must be ${ROLES.join(", ")}, or null for your own role in each project` }).nullish(),
  expiresInDays: z.number({ message: DAYS }).refine(Number.isInteger, { message: DAYS }).min(1, { message: DAYS }).max(TOKEN_MAX_DAYS, { message: DAYS }).nullish(),
});

export const listTokens = endpoint({
  id: "listTokens",
  method: "GET",
  path: "/api/me/tokens",
  summary: "The account's personal access tokens (never their secrets)",
  access: "user",
  responses: { 200: z.strictObject({ items: z.array(apiToken) }) },
});

export const createToken = endpoint({
  id: "createToken",
  method: "POST",
  path: "/api/me/tokens",
  summary: "Create a token, optionally limited to one project, a role and a number of days; its secret is shown once",
  access: "session",
  body: createTokenBody,
  responses: { 201: z.strictObject({ token: apiToken.extend({ token: z.string() }) }) },
});

export const deleteToken = endpoint({
  id: "deleteToken",
  method: "DELETE",
  path: "/api/me/tokens/{id}",
  summary: "Revoke a token",
  access: "user",
  params: z.strictObject({ id: z.string() }),
  responses: { 204: null },
});
