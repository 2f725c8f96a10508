/** The owners' limits as stored, read under a per-owner lock and checked by the pure policy (limits.ts). */
import type { Knex } from "knex";
import type { Database } from "../../db/database.js";
import type { Project } from "../../models/Project.js";
import type { User } from "../../models/User.js";
import { checkWithinLimits, limitsWith, type Limits } from "./limits.js";

/** A user's limits: an admin's override, or the defaults. */
export async function limitsOf(db: Database, userId: string, trx?: Knex.Transaction): Promise<Limits> {
  return limitsWith(await db.models.UserLimits.query(trx).findById(userId));
}

/**
 * Checks `owner`'s limits as they would be with `quota` for `projectId` (a new project when undefined):
 * number of projects, and CPU and memory summed over the quotas of every project they own, that is,
 * where they are an owner now (not the projects they once created: those may have changed hands).
 * `actor` is who asks: the messages say "you" to them and name anyone else.
 */
export async function checkOwnerLimits(
  db: Database,
  trx: Knex.Transaction,
  actor: User,
  owner: Pick<User, "id" | "email">,
  quota: { cpu: string; memory: string },
  projectId?: string,
): Promise<void> {
  // Serialises limit checks per owner: two projects created at once cannot both take the last slot.
  await trx.raw("select pg_advisory_xact_lock(?, ?)", [0x6c696d, Number(owner.id)]);
  const limits = await limitsOf(db, owner.id, trx);
  const owned = await db.models.Project.query(trx)
    .join("project_members", "project_members.project_id", "projects.id")
    .where({ "project_members.user_id": owner.id, "project_members.role": "owner" })
    .select("projects.id", "projects.quota_cpu", "projects.quota_memory");
  checkWithinLimits({ owner, limits, owned, quota, projectId, self: owner.id === actor.id });
}

/** The project's owners, in id order: limit checks take their locks in one order, so they never deadlock. */
export async function ownersOf(db: Database, trx: Knex.Transaction, project: Project): Promise<Pick<User, "id" | "email">[]> {
  return await db.models.User.query(trx)
    .join("project_members", "project_members.user_id", "users.id")
    .where({ "project_members.project_id": project.id, "project_members.role": "owner" })
    .select("users.id", "users.email")
    .orderBy("users.id");
}
