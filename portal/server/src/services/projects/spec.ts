/** A stored project read back: its apps in order, and its ProjectSpec. */
import { parseProjectSpec, type ProjectSpec } from "@babyhelm/sdk";
import type { Knex } from "knex";
import type { Database } from "../../db/database.js";
import type { AppRecord } from "../../models/AppRecord.js";
import type { Project } from "../../models/Project.js";
import { projectSpecOf } from "../project-spec.js";

export async function appsOf(db: Database, project: Project, trx?: Knex.Transaction): Promise<AppRecord[]> {
  return await db.models.AppRecord.query(trx).where({ projectId: project.id }).orderBy("position");
}

/** The ProjectSpec of a stored project; secret values masked unless a deploy asks for them (with the key). */
export async function specOf(db: Database, project: Project, secrets: { secrets: "masked" } | { secrets: "plain"; key: Buffer }): Promise<ProjectSpec> {
  const apps = await appsOf(db, project);
  return parseProjectSpec(projectSpecOf(project, apps, secrets));
}
