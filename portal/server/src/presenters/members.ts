/** A project member as the API shows them. */
import type { MemberRow } from "../services/projects/index.js";

export function presentMember(member: MemberRow) {
  return { userId: member.userId, email: member.email, name: member.name, role: member.role, addedAt: member.createdAt };
}
