/** A project's members: /api/projects/{name}/members. */
import { z } from "zod";
import { emailField, projectParams, role, timestamp } from "./common.js";
import { endpoint } from "./endpoint.js";

export const member = z.strictObject({ userId: z.string(), email: z.string(), name: z.string(), role, addedAt: timestamp }).meta({ id: "Member" });
export type Member = z.infer<typeof member>;

export const listMembers = endpoint({
  id: "listMembers",
  method: "GET",
  path: "/api/projects/{name}/members",
  summary: "The project's members and their roles",
  access: { project: "viewer" },
  params: projectParams,
  responses: { 200: z.strictObject({ items: z.array(member) }) },
});

export const setMember = endpoint({
  id: "setMember",
  method: "POST",
  path: "/api/projects/{name}/members",
  summary: "Add a member by e-mail address (201), or change a member's role (200); the last owner stays an owner",
  access: { project: "owner" },
  params: projectParams,
  body: z.strictObject({ email: emailField, role }),
  responses: { 200: z.strictObject({ member }), 201: z.strictObject({ member }) },
});

export const removeMember = endpoint({
  id: "removeMember",
  method: "DELETE",
  path: "/api/projects/{name}/members/{userId}",
  summary: "Remove a member (not the last owner)",
  access: { project: "owner" },
  params: z.strictObject({ name: z.string(), userId: z.string() }),
  responses: { 204: null },
});
