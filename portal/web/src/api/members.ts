/** A project's members: who may see it and what each may do (owners add, change and remove them). */
import { endpoints, type Member, type Role } from "@babyhelm/sdk/api";
import { client } from "./client.js";

export async function fetchMembers(project: string): Promise<Member[]> {
  return (await client.call(endpoints.listMembers, { params: { name: project } })).items;
}

/** Adds a member by e-mail address, or changes a member's role; the last owner stays an owner (409). */
export async function setMember(project: string, email: string, role: Role): Promise<Member> {
  return (await client.call(endpoints.setMember, { params: { name: project }, body: { email, role } })).member;
}

export async function removeMember(project: string, userId: string): Promise<void> {
  await client.call(endpoints.removeMember, { params: { name: project, userId } });
}
