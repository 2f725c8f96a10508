/** A project's members and their roles; the owner rule (owners.ts) keeps one owner at least. */
import type { Knex } from "knex";
import type { Database } from "../../db/database.js";
import { invalidRequest, notFound } from "../../errors.js";
import type { Project } from "../../models/Project.js";
import type { Role } from "../../models/ProjectMember.js";
import type { User } from "../../models/User.js";
import { audit } from "../audit.js";
import { announceAuthChange } from "../auth-cache.js";
import { lockProject } from "./locking.js";
import { checkOwnerLimits } from "./owner-limits.js";
import { keepsAnOwner, lastOwner } from "./owners.js";

/** A member with their account's address and name (presenters/members.ts shapes it). */
export interface MemberRow {
  userId: string;
  role: Role;
  createdAt: Date;
  email: string;
  name: string;
}

/** The members in the order they joined. */
export async function membersOf(db: Database, project: Project): Promise<MemberRow[]> {
  const rows = await db.models.ProjectMember.query()
    .select("project_members.user_id", "project_members.role", "project_members.created_at", "users.email", "users.name")
    .join("users", "users.id", "project_members.user_id")
    .where("project_members.project_id", project.id)
    .orderBy("project_members.created_at");
  return rows as unknown as MemberRow[];
}

/** Adds a member, or changes their role; the last owner cannot be demoted. Answers whether the member is new. */
export async function setMember(db: Database, actor: User, stale: Project, email: string, role: Role): Promise<boolean> {
  return db.knex.transaction(async (trx) => {
    const project = await lockProject(db, trx, stale);
    const user = await db.models.User.query(trx).findOne({ email: email.trim().toLowerCase() });
    if (!user || !user.emailConfirmedAt) {
      throw invalidRequest([{ path: "email", message: "has no confirmed BabyHelm account; ask them to sign up first" }]);
    }
    const existing = await db.models.ProjectMember.query(trx).findOne({ projectId: project.id, userId: user.id });
    if (existing?.role === "owner" && role !== "owner") await keepAnOwner(db, trx, project, user.id);
    // A new owner takes the project into their limits.
    if (role === "owner" && existing?.role !== "owner") await checkOwnerLimits(db, trx, actor, user, { cpu: project.quotaCpu, memory: project.quotaMemory }, project.id);
    if (existing) await db.models.ProjectMember.query(trx).patch({ role }).where({ projectId: project.id, userId: user.id });
    else await db.models.ProjectMember.query(trx).insert({ projectId: project.id, userId: user.id, role });
    await audit(db.models, trx, { actorId: actor.id, projectId: project.id, action: existing ? "member.update" : "member.add", details: { userId: user.id, role } });
    return !existing;
  });
}

export async function removeMember(db: Database, actor: User, stale: Project, userId: string): Promise<void> {
  await db.knex.transaction(async (trx) => {
    const project = await lockProject(db, trx, stale);
    const member = /^\d{1,18}$/.test(userId) ? await db.models.ProjectMember.query(trx).findOne({ projectId: project.id, userId }) : undefined;
    if (!member) throw notFound("That member");
    // The id as stored: the one in the URL may be written differently (e.g. with leading zeros).
    if (member.role === "owner") await keepAnOwner(db, trx, project, member.userId);
    await db.models.ProjectMember.query(trx).delete().where({ projectId: project.id, userId });
    await announceAuthChange(trx, userId);
    await audit(db.models, trx, { actorId: actor.id, projectId: project.id, action: "member.remove", details: { userId } });
  });
}

/** 409 `last_owner` unless the project keeps an owner once `leavingUserId` (an id as stored) is not one. */
async function keepAnOwner(db: Database, trx: Knex.Transaction, project: Project, leavingUserId: string): Promise<void> {
  const owners = await db.models.ProjectMember.query(trx).select("userId").where({ projectId: project.id, role: "owner" });
  if (
    !keepsAnOwner(
      owners.map((owner) => owner.userId),
      leavingUserId,
    )
  )
    throw lastOwner();
}
