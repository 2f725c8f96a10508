/** A project's own record: created, changed (display name, quota, dashboard, expiry) and deleted. */
import type { createProjectBody, updateProjectBody } from "@babyhelm/sdk/api";
import type { Knex } from "knex";
import type { z } from "zod";
import type { Database } from "../../db/database.js";
import { AppError } from "../../errors.js";
import type { Project } from "../../models/Project.js";
import type { User } from "../../models/User.js";
import { audit } from "../audit.js";
import { announceAuthChange } from "../auth-cache.js";
import { lockExpiry } from "../project-expiry.js";
import { projectSpecOf } from "../project-spec.js";
import { nameTaken, unlessTaken } from "./conflicts.js";
import { lockProject } from "./locking.js";
import { checkOwnerLimits, ownersOf } from "./owner-limits.js";
import { appsOf } from "./spec.js";
import { checkSpec, expiryOf } from "./spec-check.js";

/**
 * What POST /api/projects and PATCH /api/projects/:name take, as the API contract parses them: shapes only.
 * The values (quota, monitoring) are the ProjectSpec schema's to check (spec-check.ts); `expiresAt`, ISO 8601
 * with an offset or null for none, is checked against the clock (expiryOf).
 */
export type NewProject = z.output<typeof createProjectBody>;
export type ProjectChanges = z.output<typeof updateProjectBody>;

export async function createProject(db: Database, user: User, input: NewProject): Promise<Project> {
  const spec = checkSpec({ name: input.name, ...(input.displayName ? { displayName: input.displayName } : {}), quota: input.quota ?? {}, monitoring: input.monitoring ?? {} });
  const expiresAt = expiryOf(input.expiresAt);
  return db.knex.transaction(async (trx) => {
    await checkOwnerLimits(db, trx, user, user, spec.quota);
    if (await db.models.Project.query(trx).findOne({ name: spec.name })) throw nameTaken(spec.name);
    const project = await unlessTaken(
      () =>
        db.models.Project.query(trx).insertAndFetch({
          name: spec.name,
          displayName: spec.displayName ?? null,
          ownerId: user.id,
          quotaCpu: spec.quota.cpu,
          quotaMemory: spec.quota.memory,
          quotaPods: spec.quota.pods,
          monitoringDashboard: spec.monitoring.dashboard,
          stackCreatedAt: null,
          expiresAt,
        }),
      { projects_name_unique: () => nameTaken(spec.name) },
    );
    await db.models.ProjectMember.query(trx).insert({ projectId: project.id, userId: user.id, role: "owner" });
    await audit(db.models, trx, {
      actorId: user.id,
      projectId: project.id,
      action: "project.create",
      details: { name: spec.name, quota: spec.quota, ...(expiresAt ? { expiresAt: expiresAt.toISOString() } : {}) },
    });
    return project;
  });
}

export async function updateProject(db: Database, user: User, stale: Project, changes: ProjectChanges): Promise<Project> {
  const expiresAt = changes.expiresAt === undefined ? undefined : expiryOf(changes.expiresAt);
  return db.knex.transaction(async (trx) => {
    // Before the row lock, as the expiry sweep takes it: an expiry changes either before a removal starts or after it is queued.
    if (expiresAt !== undefined) await lockExpiry(trx, stale.id);
    const project = await lockProject(db, trx, stale);
    if (expiresAt !== undefined) await refuseWhileDestroying(db, trx, project);
    const apps = await appsOf(db, project, trx);
    const current = projectSpecOf(project, apps, { secrets: "masked" });
    const displayName = changes.displayName === undefined ? project.displayName : changes.displayName;
    // Unchecked until checkSpec: the request's quota and monitoring fields go in as they came.
    const candidate: Record<string, unknown> = {
      ...current,
      ...(displayName ? { displayName } : { displayName: undefined }),
      quota: { ...current.quota, ...changes.quota },
      monitoring: { ...current.monitoring, ...changes.monitoring },
    };
    if (!displayName) delete candidate.displayName;
    const spec = checkSpec(candidate);
    if (changes.quota) {
      // The quota counts against the limits of every owner, not only the one who changes it.
      for (const owner of await ownersOf(db, trx, project)) await checkOwnerLimits(db, trx, user, owner, spec.quota, project.id);
    }
    const updated = await project.$query(trx).patchAndFetch({
      displayName: spec.displayName ?? null,
      quotaCpu: spec.quota.cpu,
      quotaMemory: spec.quota.memory,
      quotaPods: spec.quota.pods,
      monitoringDashboard: spec.monitoring.dashboard,
      // A new time is warned about again, a day before it (an unchanged one is not mailed twice).
      ...(expiresAt !== undefined && expiresAt?.getTime() !== project.expiresAt?.getTime() ? { expiresAt, expiryWarnedAt: null } : {}),
    });
    const recorded = expiresAt === undefined ? changes : { ...changes, expiresAt: expiresAt?.toISOString() ?? null };
    await audit(db.models, trx, { actorId: user.id, projectId: project.id, action: "project.update", details: { changes: recorded } });
    return updated;
  });
}

/** Deletes a project's records, and tells every portal process its members are members no more. */
export async function deleteProjectRecords(db: Database, trx: Knex | Knex.Transaction, projectId: string): Promise<void> {
  const members: { userId: string }[] = await db.models.ProjectMember.query(trx).select("userId").where({ projectId });
  await db.models.Project.query(trx).deleteById(projectId);
  for (const member of members) await announceAuthChange(trx, member.userId);
}

/** An expiry cannot change under a destroy that is queued or running: the project is going. */
async function refuseWhileDestroying(db: Database, trx: Knex.Transaction, project: Project): Promise<void> {
  const destroying = await db.models.Deployment.query(trx).findOne({ projectId: project.id, kind: "destroy" }).whereIn("status", ["queued", "running"]);
  if (destroying) {
    throw new AppError(
      409,
      "being_deleted",
      `expiresAt: "${project.name}" is being deleted (deployment ${destroying.id} is ${destroying.status}); cancel it while it is queued, or wait: a failed destroy leaves the project, and its expiry can be changed then.`,
      [{ path: "expiresAt", message: "the project is being deleted" }],
    );
  }
}
