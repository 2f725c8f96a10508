/** A project member as the API shows them. */
import type { Member } from "@babyhelm/sdk/api";
import type { Wire } from "../http/wire.js";
import type { MemberRow } from "../services/projects/index.js";

export function presentMember(member: MemberRow): Wire<Member> {
  return { userId: member.userId, email: member.email, name: member.name, role: member.role, addedAt: member.createdAt };
}
