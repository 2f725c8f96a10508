/**
 * Names and domains another record holds. Each is checked before the write, and the database's unique
 * constraints catch the same conflict when a concurrent request took it in between: both answer the same
 * code, message and path, so a race reads like any other "taken".
 */
import type { Knex } from "knex";
import { UniqueViolationError } from "objection";
import type { Database } from "../../db/database.js";
import { AppError } from "../../errors.js";
import type { AppRecord } from "../../models/AppRecord.js";
import type { Project } from "../../models/Project.js";

export function nameTaken(name: string): AppError {
  return new AppError(409, "name_taken", `name: "${name}" is taken; project names are namespaces, unique across the platform.`, [{ path: "name", message: "is taken" }]);
}

export function appNameTaken(name: string, project: string): AppError {
  return new AppError(409, "name_taken", `name: "${name}" is already an app of "${project}"; app names are unique within a project.`, [
    { path: "name", message: "is taken by another app of this project" },
  ]);
}

/**
 * `path` is where the request names the domain: `domain` for one app, `apps[i].domain` for a rollback.
 * `holder` says who has it without naming another project: "another project", or `app "api" of this project`.
 */
export function domainTaken(domain: string, path: string, holder = "another project", consequence = "choose another domain"): AppError {
  return new AppError(409, "domain_taken", `${path}: "${domain}" is used by ${holder}; ${consequence}.`, [{ path, message: `is used by ${holder}` }]);
}

/** Runs `write`; a unique violation of one of `constraints` (by the database's constraint name) becomes that conflict. */
export async function unlessTaken<T>(write: () => PromiseLike<T>, constraints: Record<string, () => AppError>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const conflict = error instanceof UniqueViolationError ? constraints[error.constraint] : undefined;
    throw conflict ? conflict() : error;
  }
}

/**
 * An app's name is unique in its project, its domain on the whole platform (domains route traffic in the
 * shared ingress). Checked on the request's fields before the spec check, so the conflict is reported at
 * the app's own `name` or `domain`, not at whichever of the two apps comes later in the spec.
 */
export async function checkNameAndDomainFree(
  db: Database,
  trx: Knex.Transaction,
  project: Project,
  apps: AppRecord[],
  candidate: Record<string, unknown>,
  index: number,
): Promise<void> {
  const others = apps.filter((_, position) => position !== index);
  const { name, domain } = candidate;
  if (typeof name === "string" && others.some((other) => other.name === name)) throw appNameTaken(name, project.name);
  if (typeof domain !== "string") return;
  const sibling = others.find((other) => other.domain === domain);
  if (sibling) throw domainTaken(domain, "domain", `app "${sibling.name}" of this project`);
  if (await domainHolder(db, trx, domain, project.id)) throw domainTaken(domain, "domain");
}

/** An app of another project that has `domain`, if any. */
export async function domainHolder(db: Database, trx: Knex.Transaction, domain: string, projectId: string): Promise<AppRecord | undefined> {
  return db.models.AppRecord.query(trx).findOne({ domain }).whereNot({ projectId });
}
