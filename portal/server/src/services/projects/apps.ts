/**
 * A project's apps: added, changed, removed, and all replaced at once by a rollback. Each change checks
 * the whole project with it (spec-check.ts) under the project's lock; secret values are encrypted before
 * they are stored.
 */
import type { AppSpec, AppSpecInput } from "@babyhelm/sdk";
import type { appBody } from "@babyhelm/sdk/api";
import type { Knex } from "knex";
import type { z } from "zod";
import type { Database } from "../../db/database.js";
import { AppError, notFound } from "../../errors.js";
import type { AppRecord } from "../../models/AppRecord.js";
import type { Project } from "../../models/Project.js";
import type { User } from "../../models/User.js";
import { audit } from "../audit.js";
import { appColumnsOf, appSpecOf, projectSpecOf } from "../project-spec.js";
import { mergeAppChanges, type AppChanges } from "./app-changes.js";
import { appNameTaken, checkNameAndDomainFree, domainHolder, domainTaken, unlessTaken } from "./conflicts.js";
import { lockProject } from "./locking.js";
import { appsOf } from "./spec.js";
import { checkSpec, checkStillFits } from "./spec-check.js";

/** An app's fields as a request sends them (the API contract's shape): the project's spec check validates them. */
export type NewApp = z.output<typeof appBody>;

/** Adds an app after checking the whole project with it. */
export async function addApp(db: Database, secretsKey: Buffer, user: User, stale: Project, input: NewApp): Promise<AppRecord> {
  return db.knex.transaction(async (trx) => {
    const project = await lockProject(db, trx, stale);
    const apps = await appsOf(db, project, trx);
    // The other apps' secret values are not needed to check the project: they stay encrypted.
    const current = projectSpecOf(project, apps, { secrets: "masked" });
    await checkNameAndDomainFree(db, trx, project, apps, input, apps.length);
    const spec = checkSpec({ ...current, apps: [...(current.apps ?? []), input] }, apps.length);
    const app = spec.apps[apps.length]!;
    const record = await unlessTaken(
      () =>
        db.models.AppRecord.query(trx).insertAndFetch({
          projectId: project.id,
          position: (apps.at(-1)?.position ?? -1) + 1,
          ...appColumnsOf(project.id, app, secretsKey),
        }),
      conflictsOf(project, app),
    );
    await audit(db.models, trx, {
      actorId: user.id,
      projectId: project.id,
      action: "app.create",
      details: { app: app.name, image: app.image, secretEnvKeys: Object.keys(app.secretEnv ?? {}) },
    });
    return record;
  });
}

/** Changes an app as app-changes.ts merges `changes` into it, after checking the whole project with it. */
export async function updateApp(db: Database, secretsKey: Buffer, user: User, stale: Project, appName: string, changes: AppChanges): Promise<AppRecord> {
  return db.knex.transaction(async (trx) => {
    const project = await lockProject(db, trx, stale);
    const apps = await appsOf(db, project, trx);
    const index = apps.findIndex((app) => app.name === appName);
    if (index < 0) throw notFound(`App "${appName}" in "${project.name}"`);
    const current = projectSpecOf(project, apps, { secrets: "masked" });
    // Only this app's secrets are decrypted: its kept values are encrypted again with the change.
    const before = appSpecOf(project, apps[index]!, { secrets: "plain", key: secretsKey });
    const merged = mergeAppChanges(before, changes);
    await checkNameAndDomainFree(db, trx, project, apps, merged, index);
    const spec = checkSpec({ ...current, apps: current.apps!.map((app, position) => (position === index ? merged : app)) }, index);
    const app = spec.apps[index]!;
    const record = await unlessTaken(() => apps[index]!.$query(trx).patchAndFetch(appColumnsOf(project.id, app, secretsKey)), conflictsOf(project, app));
    await audit(db.models, trx, { actorId: user.id, projectId: project.id, action: "app.update", details: { app: appName, fields: Object.keys(changes) } });
    return record;
  });
}

/**
 * Removing an app only lowers what the project needs, so there is nothing to check; it takes the lock so
 * that a change of the same app waits for it and then finds the app gone.
 */
export async function removeApp(db: Database, user: User, stale: Project, appName: string): Promise<void> {
  await db.knex.transaction(async (trx) => {
    const project = await lockProject(db, trx, stale);
    const removed = await db.models.AppRecord.query(trx).delete().where({ projectId: project.id, name: appName });
    if (removed === 0) throw notFound(`App "${appName}" in "${project.name}"`);
    await audit(db.models, trx, { actorId: user.id, projectId: project.id, action: "app.delete", details: { app: appName } });
  });
}

/**
 * Makes `apps` (secret values included) the project's apps again, in the caller's transaction: a
 * rollback. They are checked as one spec with the project as it is now (its quota, its name), so apps
 * that no longer fit, e.g. under a quota shrunk since or with a domain taken since, are refused with 409,
 * naming the field.
 */
export async function replaceApps(db: Database, secretsKey: Buffer, trx: Knex.Transaction, stale: Project, apps: AppSpecInput[], what: string): Promise<void> {
  const project = await lockProject(db, trx, stale);
  const current = projectSpecOf(project, [], { secrets: "masked" });
  const spec = checkStillFits({ ...current, apps }, what);
  const taken = (index: number, domain: string) => domainTaken(domain, `apps[${index}].domain`, "another project now", `${what} cannot be restored`);
  for (const [index, app] of spec.apps.entries()) {
    if (app.domain && (await domainHolder(db, trx, app.domain, project.id))) throw taken(index, app.domain);
  }
  await db.models.AppRecord.query(trx).delete().where({ projectId: project.id });
  for (const [position, app] of spec.apps.entries()) {
    await unlessTaken(() => db.models.AppRecord.query(trx).insert({ projectId: project.id, position, ...appColumnsOf(project.id, app, secretsKey) }), {
      apps_domain_unique: () => taken(position, app.domain!),
    });
  }
}

/** What the apps table's unique constraints mean for `app`, when a concurrent write took its name or domain first. */
function conflictsOf(project: Project, app: AppSpec): Record<string, () => AppError> {
  return {
    apps_project_id_name_unique: () => appNameTaken(app.name, project.name),
    apps_domain_unique: () => domainTaken(app.domain ?? "", "domain"),
  };
}
