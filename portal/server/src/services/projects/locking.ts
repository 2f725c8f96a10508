/** The row lock that serialises every change of one project. */
import type { Knex } from "knex";
import type { Database } from "../../db/database.js";
import { notFound } from "../../errors.js";
import type { Project } from "../../models/Project.js";

/**
 * Serialises changes to one project (its quota, apps and members), so two requests never both pass a
 * check, and answers the project as it is once locked: `stale` was read before the lock, and another
 * request may have changed (or deleted) it since. Every check in the transaction must use what this returns.
 */
export async function lockProject(db: Database, trx: Knex.Transaction, stale: Project): Promise<Project> {
  const project = await db.models.Project.query(trx).findById(stale.id).forUpdate();
  if (!project) throw notFound(`Project "${stale.name}"`);
  return project;
}
