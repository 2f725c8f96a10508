/**
 * Who may see and change a project: a member's role, checked against what the request needs, and for the
 * metrics endpoints a short-lived cache of "this user is a member" answers.
 */
import { roleAtLeast } from "../../access/token-scope.js";
import type { Database } from "../../db/database.js";
import { AppError, notFound } from "../../errors.js";
import type { Project } from "../../models/Project.js";
import type { Role } from "../../models/ProjectMember.js";
import type { User } from "../../models/User.js";
import { AuthCache } from "../auth-cache.js";

const ROLE_NEEDED: Record<Role, string> = { viewer: "view", developer: "change apps and deploy", owner: "manage the project and its members" };

/** How long a "user X may read project Y" answer is trusted; changes drop it at once (see AuthCache). */
export const MEMBERSHIP_TTL_MS = 10_000;

export interface Membership {
  project: Project;
  role: Role;
}

/** user + project name -> member, for assertMember; shared with the listener that drops changed users. */
export function membershipCache(): AuthCache<true> {
  return new AuthCache<true>(MEMBERSHIP_TTL_MS);
}

/** The project if `user` is a member with at least `minimum`; 404 for non-members (nothing to see), 403 for too small a role. */
export async function access(db: Database, user: User, name: string, minimum: Role): Promise<Membership> {
  const row = await db.models.Project.query()
    .select("projects.*", "project_members.role")
    .join("project_members", "project_members.project_id", "projects.id")
    .where("projects.name", name)
    .where("project_members.user_id", user.id)
    .first();
  if (!row) throw notFound(`Project "${name}"`);
  const role = (row as unknown as { role: Role }).role;
  if (!roleAtLeast(role, minimum)) {
    throw new AppError(
      403,
      "forbidden",
      `Your role in "${name}" is ${role}; to ${ROLE_NEEDED[minimum]} you need to be ${minimum === "owner" ? "an owner" : `a ${minimum} or owner`}.`,
    );
  }
  return { project: row, role };
}

/**
 * Whether `user` is a member of project `name` (any role); 404 otherwise, like `access`. For the metrics
 * endpoints, where it runs beside every chart's query: a member's answer is kept for a few seconds, and
 * dropped at once by whatever removes the membership (removeMember, deleteRecords announce it).
 */
export async function assertMember(db: Database, memberships: AuthCache<true>, user: User, name: string): Promise<void> {
  const key = `${user.id}\n${name}`;
  if (memberships.get(key)) return;
  const { rows } = await db.knex.raw<{ rows: unknown[] }>("select 1 from project_members m join projects p on p.id = m.project_id where p.name = ? and m.user_id = ?", [
    name,
    user.id,
  ]);
  if (rows.length === 0) throw notFound(`Project "${name}"`);
  memberships.set(key, user.id, true);
}
