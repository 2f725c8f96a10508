/**
 * The projects service the routes, deployments and the job worker hold: one object, each method one
 * concern's module (access, list, spec, lifecycle, apps, members, owner limits).
 */
import type { AppSpecInput, ProjectSpec } from "@babyhelm/sdk";
import type { Knex } from "knex";
import type { TokenLimits } from "../../access/token-scope.js";
import type { Config } from "../../config.js";
import type { Database } from "../../db/database.js";
import type { AppRecord } from "../../models/AppRecord.js";
import type { Project } from "../../models/Project.js";
import type { Role } from "../../models/ProjectMember.js";
import type { User } from "../../models/User.js";
import type { AuthCache } from "../auth-cache.js";
import { projectSecretChecksumKey } from "../secret-checksum-key.js";
import { access, assertMember, membershipCache, type Membership } from "./access.js";
import type { AppChanges } from "./app-changes.js";
import { addApp, removeApp, replaceApps, updateApp, type NewApp } from "./apps.js";
import { createProject, deleteProjectRecords, updateProject, type NewProject, type ProjectChanges } from "./lifecycle.js";
import type { Limits } from "./limits.js";
import { listProjectsOf, type ProjectListRow } from "./list.js";
import { membersOf, removeMember, setMember, type MemberRow } from "./members.js";
import { limitsOf } from "./owner-limits.js";
import { appsOf, specOf } from "./spec.js";
import { usageOf } from "./usage.js";

export class Projects {
  constructor(
    private readonly db: Database,
    private readonly config: Config,
    /** user + project name -> member, for assertMember; shared with the listener that drops changed users. */
    readonly memberships: AuthCache<true> = membershipCache(),
  ) {}

  /** 404 unless `user` is a member of project `name` (any role); cached for a few seconds (metrics). */
  assertMember(user: User, name: string): Promise<void> {
    return assertMember(this.db, this.memberships, user, name);
  }

  /** The project if `user` is a member with at least `minimum`; 404 for non-members, 403 for too small a role. */
  access(user: User, name: string, minimum: Role): Promise<Membership> {
    return access(this.db, user, name, minimum);
  }

  /** Deletes a project's records in `trx`, and tells every portal process its members are members no more. */
  deleteRecords(trx: Knex | Knex.Transaction, projectId: string): Promise<void> {
    return deleteProjectRecords(this.db, trx, projectId);
  }

  /** The user's projects with their role, number of apps and last deployment (presenters/projects.ts); a limited token's only. */
  listFor(user: User, limits?: TokenLimits): Promise<ProjectListRow[]> {
    return listProjectsOf(this.db, user, limits);
  }

  usage(spec: ProjectSpec) {
    return usageOf(spec);
  }

  apps(project: Project, trx?: Knex.Transaction): Promise<AppRecord[]> {
    return appsOf(this.db, project, trx);
  }

  /** The ProjectSpec of a stored project; secret values masked unless a deploy asks for them. */
  spec(project: Project, secrets: "masked" | "plain" = "masked"): Promise<ProjectSpec> {
    return specOf(this.db, project, secrets === "plain" ? { secrets, key: this.config.secretsKey } : { secrets });
  }

  /** What the project's deploys key its secret checksum with, so a render shows the annotation they set. */
  secretChecksumKey(project: Pick<Project, "name">): string {
    return projectSecretChecksumKey(this.config.secretsKey, project.name);
  }

  limitsOf(userId: string, trx?: Knex.Transaction): Promise<Limits> {
    return limitsOf(this.db, userId, trx);
  }

  create(user: User, input: NewProject): Promise<Project> {
    return createProject(this.db, user, input);
  }

  update(user: User, stale: Project, changes: ProjectChanges): Promise<Project> {
    return updateProject(this.db, user, stale, changes);
  }

  addApp(user: User, stale: Project, input: NewApp): Promise<AppRecord> {
    return addApp(this.db, this.config.secretsKey, user, stale, input);
  }

  updateApp(user: User, stale: Project, appName: string, changes: AppChanges): Promise<AppRecord> {
    return updateApp(this.db, this.config.secretsKey, user, stale, appName, changes);
  }

  removeApp(user: User, stale: Project, appName: string): Promise<void> {
    return removeApp(this.db, user, stale, appName);
  }

  /** A rollback's apps made the project's apps again, in the caller's transaction (409 when they no longer fit). */
  replaceApps(trx: Knex.Transaction, stale: Project, apps: AppSpecInput[], what: string): Promise<void> {
    return replaceApps(this.db, this.config.secretsKey, trx, stale, apps, what);
  }

  members(project: Project): Promise<MemberRow[]> {
    return membersOf(this.db, project);
  }

  setMember(actor: User, stale: Project, email: string, role: Role): Promise<boolean> {
    return setMember(this.db, actor, stale, email, role);
  }

  removeMember(actor: User, stale: Project, userId: string): Promise<void> {
    return removeMember(this.db, actor, stale, userId);
  }
}
