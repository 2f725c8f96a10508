/**
 * Projects, their apps and members. Every change is checked by building the project's whole spec as it
 * would be after the change and parsing it with the SDK's schema: the same rules as `babyhelm validate`
 * and a deploy, including the quota fit, so nothing is stored that could not be deployed.
 */
import { baseReplicas, formatCpu, formatMemory, parseProjectSpec, parseQuantity, ProjectSpecError, type AppSpecInput, type ProjectSpec, type ProjectSpecInput } from "@babyhelm/sdk";
import type { Knex } from "knex";
import type { Config } from "../config.js";
import type { Database } from "../db/database.js";
import { AppError, invalidRequest, notFound, type FieldProblem } from "../errors.js";
import type { AppRecord } from "../models/AppRecord.js";
import type { Project } from "../models/Project.js";
import type { Role } from "../models/ProjectMember.js";
import type { User } from "../models/User.js";
import { checkExpiresAt } from "../expiry/rules.js";
import { cappedRole, type TokenLimits } from "../access/token-scope.js";
import { audit } from "./audit.js";
import { announceAuthChange, AuthCache } from "./auth-cache.js";
import { lockExpiry } from "./project-expiry.js";
import { appColumnsOf, appSpecOf, MASK, projectSpecOf } from "./project-spec.js";

const ROLE_RANK: Record<Role, number> = { viewer: 0, developer: 1, owner: 2 };
const ROLE_NEEDED: Record<Role, string> = { viewer: "view", developer: "change apps and deploy", owner: "manage the project and its members" };

export const DEFAULT_LIMITS = { maxProjects: 5, maxCpu: "4", maxMemory: "8Gi" } as const;

export interface Membership {
  project: Project;
  role: Role;
}

export interface ProjectChanges {
  displayName?: string | null;
  quota?: { cpu?: string; memory?: string; pods?: number };
  monitoring?: { dashboard?: boolean };
  /** ISO 8601 with an offset; null removes the expiry. */
  expiresAt?: string | null;
}

/** The stored time of an `expiresAt` from a request (null: none); 400 at `expiresAt` when it may not be. */
function expiryOf(value: string | null | undefined): Date | null {
  if (value === undefined || value === null) return null;
  const checked = checkExpiresAt(value, new Date());
  if ("problem" in checked) throw invalidRequest([{ path: "expiresAt", message: checked.problem }]);
  return checked.expiresAt;
}

/** Spec problems as field problems; `appIndex` turns `apps[i].image` into `image` for app endpoints. */
function specProblems(error: ProjectSpecError, appIndex?: number): FieldProblem[] {
  const prefix = appIndex === undefined ? undefined : `apps[${appIndex}].`;
  return error.issues.map((issue) => ({
    path: prefix && issue.path.startsWith(prefix) ? issue.path.slice(prefix.length) : issue.path,
    message: issue.message,
  }));
}

/** How long a "user X may read project Y" answer is trusted; changes drop it at once (see AuthCache). */
export const MEMBERSHIP_TTL_MS = 10_000;

export class Projects {
  constructor(
    private readonly db: Database,
    private readonly config: Config,
    /** user + project name -> member, for assertMember; shared with the listener that drops changed users. */
    readonly memberships = new AuthCache<true>(MEMBERSHIP_TTL_MS),
  ) {}

  /**
   * Whether `user` is a member of project `name` (any role); 404 otherwise, like `access`. For the metrics
   * endpoints, where it runs beside every chart's query: a member's answer is kept for a few seconds, and
   * dropped at once by whatever removes the membership (removeMember, deleteRecords announce it).
   */
  async assertMember(user: User, name: string): Promise<void> {
    const key = `${user.id}\n${name}`;
    if (this.memberships.get(key)) return;
    const { rows } = await this.db.knex.raw<{ rows: unknown[] }>(
      "select 1 from project_members m join projects p on p.id = m.project_id where p.name = ? and m.user_id = ?",
      [name, user.id],
    );
    if (rows.length === 0) throw notFound(`Project "${name}"`);
    this.memberships.set(key, user.id, true);
  }

  /** Deletes a project's records, and tells every portal process its members are members no more. */
  async deleteRecords(trx: Knex | Knex.Transaction, projectId: string): Promise<void> {
    const members: { userId: string }[] = await this.db.models.ProjectMember.query(trx).select("userId").where({ projectId });
    await this.db.models.Project.query(trx).deleteById(projectId);
    for (const member of members) await announceAuthChange(trx, member.userId);
  }

  /** The project if `user` is a member with at least `minimum`; 404 for non-members (nothing to see), 403 for too small a role. */
  async access(user: User, name: string, minimum: Role): Promise<Membership> {
    const row = await this.db.models.Project.query()
      .select("projects.*", "project_members.role")
      .join("project_members", "project_members.project_id", "projects.id")
      .where("projects.name", name)
      .where("project_members.user_id", user.id)
      .first();
    if (!row) throw notFound(`Project "${name}"`);
    const role = (row as unknown as { role: Role }).role;
    if (ROLE_RANK[role] < ROLE_RANK[minimum]) {
      throw new AppError(403, "forbidden", `Your role in "${name}" is ${role}; to ${ROLE_NEEDED[minimum]} you need to be ${minimum === "owner" ? "an owner" : `a ${minimum} or owner`}.`);
    }
    return { project: row, role };
  }

  /**
   * The user's projects with their role, number of apps and last deployment: one query, whose cost depends
   * on the user's projects only (indexes on members, apps and deployments), not on the platform's size.
   * A limited token sees only its project, with the role it acts with (access/token-scope.ts).
   */
  async listFor(user: User, limits?: TokenLimits) {
    const { rows } = await this.db.knex.raw(
      `select p.id, p.name, p.display_name, p.quota_cpu, p.quota_memory, p.quota_pods, p.created_at, p.expires_at, m.role,
              (select count(*)::int from apps a where a.project_id = p.id) as app_count,
              d.id as deployment_id, d.kind as deployment_kind, d.status as deployment_status,
              d.created_at as deployment_created_at, d.finished_at as deployment_finished_at
         from project_members m
         join projects p on p.id = m.project_id
         left join lateral (select id, kind, status, created_at, finished_at from deployments
                             where project_id = p.id and kind in ('up', 'destroy') order by id desc limit 1) d on true
        where m.user_id = ?${limits?.projectId ? " and p.id = ?" : ""}
        order by p.name`,
      limits?.projectId ? [user.id, limits.projectId] : [user.id],
    );
    // A raw query's rows keep their column names (snake_case): the mappers only rename query builders' results.
    return (rows as Record<string, unknown>[]).map((row) => ({
      name: row.name as string,
      displayName: row.display_name as string | null,
      role: cappedRole(limits, row.role as Role),
      quota: { cpu: row.quota_cpu, memory: row.quota_memory, pods: row.quota_pods },
      appCount: row.app_count as number,
      createdAt: row.created_at,
      expiresAt: (row.expires_at as Date | null) ?? null,
      lastDeployment: row.deployment_id
        ? { id: String(row.deployment_id), kind: row.deployment_kind, status: row.deployment_status, createdAt: row.deployment_created_at, finishedAt: row.deployment_finished_at }
        : null,
    }));
  }

  /** What the apps request at their base replica count, against the quota (without rollout headroom). */
  usage(spec: ProjectSpec) {
    let cpu = 0;
    let memory = 0;
    let pods = 0;
    for (const app of spec.apps) {
      const replicas = baseReplicas(app);
      cpu += replicas * (parseQuantity(app.resources.cpu) ?? 0);
      memory += replicas * (parseQuantity(app.resources.memory) ?? 0);
      pods += replicas;
    }
    return { cpu: formatCpu(cpu), memory: formatMemory(memory), pods };
  }

  presentProject(project: Project, role: Role) {
    return {
      name: project.name,
      displayName: project.displayName,
      role,
      quota: { cpu: project.quotaCpu, memory: project.quotaMemory, pods: project.quotaPods },
      monitoring: { dashboard: project.monitoringDashboard },
      deployed: project.stackCreatedAt !== null,
      /** When the project (a preview environment) is destroyed and removed; null: never. */
      expiresAt: project.expiresAt ?? null,
      createdAt: project.createdAt,
      updatedAt: project.updatedAt,
    };
  }

  async apps(project: Project, trx?: Knex.Transaction): Promise<AppRecord[]> {
    return await this.db.models.AppRecord.query(trx).where({ projectId: project.id }).orderBy("position");
  }

  /** The ProjectSpec of a stored project; secret values masked unless a deploy asks for them. */
  async spec(project: Project, secrets: "masked" | "plain" = "masked"): Promise<ProjectSpec> {
    const apps = await this.apps(project);
    const input = projectSpecOf(project, apps, secrets === "plain" ? { secrets, key: this.config.secretsKey } : { secrets });
    return parseProjectSpec(input);
  }

  /** Parses a candidate spec, answering 400 with each problem at its field. */
  private check(candidate: ProjectSpecInput, appIndex?: number): ProjectSpec {
    try {
      return parseProjectSpec(candidate);
    } catch (error) {
      if (error instanceof ProjectSpecError) throw invalidRequest(specProblems(error, appIndex));
      throw error;
    }
  }

  async limitsOf(userId: string, trx?: Knex.Transaction) {
    const override = await this.db.models.UserLimits.query(trx).findById(userId);
    return {
      maxProjects: override?.maxProjects ?? DEFAULT_LIMITS.maxProjects,
      maxCpu: override?.maxCpu ?? DEFAULT_LIMITS.maxCpu,
      maxMemory: override?.maxMemory ?? DEFAULT_LIMITS.maxMemory,
    };
  }

  /**
   * Checks `owner`'s limits as they would be with `quota` for `projectId` (a new project when undefined):
   * number of projects, and CPU and memory summed over the quotas of every project they own, that is,
   * where they are an owner now (not the projects they once created: those may have changed hands).
   * `actor` is who asks: the messages say "you" to them and name anyone else.
   */
  private async checkLimits(trx: Knex.Transaction, actor: User, owner: Pick<User, "id" | "email">, quota: { cpu: string; memory: string }, projectId?: string): Promise<void> {
    // Serialises limit checks per owner: two projects created at once cannot both take the last slot.
    await trx.raw("select pg_advisory_xact_lock(?, ?)", [0x6c696d, Number(owner.id)]);
    const limits = await this.limitsOf(owner.id, trx);
    const owned = await this.db.models.Project.query(trx)
      .join("project_members", "project_members.project_id", "projects.id")
      .where({ "project_members.user_id": owner.id, "project_members.role": "owner" })
      .select("projects.id", "projects.quota_cpu", "projects.quota_memory");
    const others = owned.filter((project) => project.id !== projectId);
    const self = owner.id === actor.id;
    // A project they do not own yet (a new one, or one they are being made an owner of) counts as one more.
    if (others.length === owned.length && owned.length >= limits.maxProjects) {
      const count = `${owned.length} project${owned.length === 1 ? "" : "s"}`;
      throw new AppError(
        403,
        "limit_exceeded",
        self ? `You own ${count}, your limit; delete one, or ask a platform admin to raise it.` : `${owner.email} owns ${count}, their limit; they can delete one, or a platform admin can raise it.`,
        { limit: "maxProjects", value: limits.maxProjects },
      );
    }
    const problems: FieldProblem[] = [];
    const whose = self ? "your projects' quotas" : `the quotas of the projects ${owner.email} owns`;
    const limit = self ? "your limit" : "their limit";
    const cpu = others.reduce((sum, project) => sum + (parseQuantity(project.quotaCpu) ?? 0), parseQuantity(quota.cpu) ?? 0);
    const memory = others.reduce((sum, project) => sum + (parseQuantity(project.quotaMemory) ?? 0), parseQuantity(quota.memory) ?? 0);
    if (Math.round(cpu * 1000) > Math.round((parseQuantity(limits.maxCpu) ?? 0) * 1000)) {
      problems.push({ path: "quota.cpu", message: `${whose} would total ${formatCpu(cpu)} CPU; ${limit} is ${limits.maxCpu}` });
    }
    if (memory > (parseQuantity(limits.maxMemory) ?? 0)) {
      problems.push({ path: "quota.memory", message: `${whose} would total ${formatMemory(memory)} of memory; ${limit} is ${limits.maxMemory}` });
    }
    if (problems.length > 0) {
      const fix = self ? "Lower the quota, or ask a platform admin to raise your limit." : `Lower the quota, or ask a platform admin to raise ${owner.email}'s limit.`;
      throw new AppError(403, "limit_exceeded", `${problems.map((problem) => `${problem.path}: ${problem.message}`).join("; ")}. ${fix}`, problems);
    }
  }

  /** The project's owners, in id order: limit checks take their locks in one order, so they never deadlock. */
  private async owners(trx: Knex.Transaction, project: Project): Promise<Pick<User, "id" | "email">[]> {
    return await this.db.models.User.query(trx)
      .join("project_members", "project_members.user_id", "users.id")
      .where({ "project_members.project_id": project.id, "project_members.role": "owner" })
      .select("users.id", "users.email")
      .orderBy("users.id");
  }

  async create(user: User, input: { name: string; displayName?: string; quota?: { cpu?: string; memory?: string; pods?: number }; monitoring?: { dashboard?: boolean }; expiresAt?: string | null }): Promise<Project> {
    const spec = this.check({ name: input.name, ...(input.displayName ? { displayName: input.displayName } : {}), quota: input.quota ?? {}, monitoring: input.monitoring ?? {} });
    const expiresAt = expiryOf(input.expiresAt);
    return this.db.knex.transaction(async (trx) => {
      await this.checkLimits(trx, user, user, spec.quota);
      if (await this.db.models.Project.query(trx).findOne({ name: spec.name })) throw nameTaken(spec.name);
      const project = await this.db.models.Project.query(trx).insertAndFetch({
        name: spec.name,
        displayName: spec.displayName ?? null,
        ownerId: user.id,
        quotaCpu: spec.quota.cpu,
        quotaMemory: spec.quota.memory,
        quotaPods: spec.quota.pods,
        monitoringDashboard: spec.monitoring.dashboard,
        stackCreatedAt: null,
        expiresAt,
      });
      await this.db.models.ProjectMember.query(trx).insert({ projectId: project.id, userId: user.id, role: "owner" });
      await audit(this.db.models, trx, { actorId: user.id, projectId: project.id, action: "project.create", details: { name: spec.name, quota: spec.quota, ...(expiresAt ? { expiresAt: expiresAt.toISOString() } : {}) } });
      return project;
    });
  }

  async update(user: User, stale: Project, changes: ProjectChanges): Promise<Project> {
    const expiresAt = changes.expiresAt === undefined ? undefined : expiryOf(changes.expiresAt);
    return this.db.knex.transaction(async (trx) => {
      // Before the row lock, as the expiry sweep takes it: an expiry changes either before a removal starts or after it is queued.
      if (expiresAt !== undefined) await lockExpiry(trx, stale.id);
      const project = await this.lock(trx, stale);
      if (expiresAt !== undefined) await this.refuseWhileDestroying(trx, project);
      const apps = await this.apps(project, trx);
      const current = projectSpecOf(project, apps, { secrets: "masked" });
      const displayName = changes.displayName === undefined ? project.displayName : changes.displayName;
      const candidate: ProjectSpecInput = {
        ...current,
        ...(displayName ? { displayName } : { displayName: undefined }),
        quota: { ...(current.quota as object), ...changes.quota },
        monitoring: { ...(current.monitoring as object), ...changes.monitoring },
      };
      if (!displayName) delete candidate.displayName;
      const spec = this.check(candidate);
      if (changes.quota) {
        // The quota counts against the limits of every owner, not only the one who changes it.
        for (const owner of await this.owners(trx, project)) await this.checkLimits(trx, user, owner, spec.quota, project.id);
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
      await audit(this.db.models, trx, { actorId: user.id, projectId: project.id, action: "project.update", details: { changes: recorded } });
      return updated;
    });
  }

  /** Adds an app after checking the whole project with it; secret values are encrypted before they are stored. */
  async addApp(user: User, stale: Project, input: AppSpecInput): Promise<AppRecord> {
    return this.db.knex.transaction(async (trx) => {
      const project = await this.lock(trx, stale);
      const apps = await this.apps(project, trx);
      // The other apps' secret values are not needed to check the project: they stay encrypted.
      const current = projectSpecOf(project, apps, { secrets: "masked" });
      const spec = this.check({ ...current, apps: [...(current.apps ?? []), input] }, apps.length);
      const app = spec.apps[apps.length]!;
      await this.checkDomainFree(trx, app.domain, project.id);
      const record = await this.db.models.AppRecord.query(trx).insertAndFetch({
        projectId: project.id,
        position: (apps.at(-1)?.position ?? -1) + 1,
        ...appColumnsOf(project.id, app, this.config.secretsKey),
      });
      await audit(this.db.models, trx, { actorId: user.id, projectId: project.id, action: "app.create", details: { app: app.name, image: app.image, secretEnvKeys: Object.keys(app.secretEnv ?? {}) } });
      return record;
    });
  }

  /**
   * Changes an app: fields given replace the stored ones (`null` removes an optional field), except
   * `secretEnv`, whose values nobody can read back: keys with a value are set, keys with null removed,
   * keys left out kept.
   */
  async updateApp(user: User, stale: Project, appName: string, changes: Record<string, unknown>): Promise<AppRecord> {
    return this.db.knex.transaction(async (trx) => {
      const project = await this.lock(trx, stale);
      const apps = await this.apps(project, trx);
      const index = apps.findIndex((app) => app.name === appName);
      if (index < 0) throw notFound(`App "${appName}" in "${project.name}"`);
      const current = projectSpecOf(project, apps, { secrets: "masked" });
      // Only this app's secrets are decrypted: its kept values are encrypted again with the change.
      const before = appSpecOf(project, apps[index]!, { secrets: "plain", key: this.config.secretsKey });
      const { secretEnv: secretChanges, ...plainChanges } = changes as { secretEnv?: Record<string, string | null> | null };
      const merged: Record<string, unknown> = { ...before, ...plainChanges };
      for (const [key, value] of Object.entries(merged)) if (value === null) delete merged[key];
      if (secretChanges !== undefined) {
        const secretEnv: Record<string, unknown> = secretChanges === null ? {} : { ...(before.secretEnv as Record<string, unknown> | undefined) };
        for (const [key, value] of Object.entries(secretChanges ?? {})) {
          if (value === null) delete secretEnv[key];
          // The masked value the API showed means "unchanged": a form can send back what it was given.
          else if (value !== MASK) secretEnv[key] = value;
        }
        if (Object.keys(secretEnv).length > 0) merged.secretEnv = secretEnv;
        else delete merged.secretEnv;
      }
      const spec = this.check({ ...current, apps: current.apps!.map((app, position) => (position === index ? (merged as AppSpecInput) : app)) }, index);
      const app = spec.apps[index]!;
      await this.checkDomainFree(trx, app.domain, project.id);
      const record = await apps[index]!.$query(trx).patchAndFetch(appColumnsOf(project.id, app, this.config.secretsKey));
      await audit(this.db.models, trx, { actorId: user.id, projectId: project.id, action: "app.update", details: { app: appName, fields: Object.keys(changes) } });
      return record;
    });
  }

  /**
   * Removing an app only lowers what the project needs, so there is nothing to check; it takes the lock so
   * that a change of the same app waits for it and then finds the app gone.
   */
  async removeApp(user: User, stale: Project, appName: string): Promise<void> {
    await this.db.knex.transaction(async (trx) => {
      const project = await this.lock(trx, stale);
      const removed = await this.db.models.AppRecord.query(trx).delete().where({ projectId: project.id, name: appName });
      if (removed === 0) throw notFound(`App "${appName}" in "${project.name}"`);
      await audit(this.db.models, trx, { actorId: user.id, projectId: project.id, action: "app.delete", details: { app: appName } });
    });
  }

  /**
   * Makes `apps` (secret values included) the project's apps again, in the caller's transaction: a
   * rollback. They are checked as one spec with the project as it is now (its quota, its name), so apps
   * that no longer fit, e.g. under a quota shrunk since or with a domain taken since, are refused with 409,
   * naming the field.
   */
  async replaceApps(trx: Knex.Transaction, stale: Project, apps: AppSpecInput[], what: string): Promise<void> {
    const project = await this.lock(trx, stale);
    const current = projectSpecOf(project, [], { secrets: "masked" });
    let spec: ProjectSpec;
    try {
      spec = parseProjectSpec({ ...current, apps });
    } catch (error) {
      if (!(error instanceof ProjectSpecError)) throw error;
      const problems = specProblems(error);
      throw new AppError(409, "no_longer_valid", `${what} no longer fits the project: ${problems.map((problem) => `${problem.path}: ${problem.message}`).join("; ")}. Change the project (e.g. its quota) or its apps instead.`, problems);
    }
    for (const [index, app] of spec.apps.entries()) {
      const taken = app.domain ? await this.db.models.AppRecord.query(trx).findOne({ domain: app.domain }).whereNot({ projectId: project.id }) : undefined;
      if (taken) throw new AppError(409, "domain_taken", `apps[${index}].domain: "${app.domain}" is used by another project now; ${what} cannot be restored.`, [{ path: `apps[${index}].domain`, message: "is used by another project" }]);
    }
    await this.db.models.AppRecord.query(trx).delete().where({ projectId: project.id });
    for (const [position, app] of spec.apps.entries()) {
      await this.db.models.AppRecord.query(trx).insert({ projectId: project.id, position, ...appColumnsOf(project.id, app, this.config.secretsKey) });
    }
  }

  /** Domains route traffic in the shared ingress: one app on the whole platform per domain. */
  private async checkDomainFree(trx: Knex.Transaction, domain: string | undefined, projectId: string): Promise<void> {
    if (!domain) return;
    const taken = await this.db.models.AppRecord.query(trx).findOne({ domain }).whereNot({ projectId });
    if (taken) throw new AppError(409, "domain_taken", `domain: "${domain}" is used by another project; choose another domain.`, [{ path: "domain", message: "is used by another project" }]);
  }

  presentApp(app: AppRecord) {
    return {
      name: app.name,
      image: app.image,
      port: app.port,
      replicas: app.replicas,
      command: app.command,
      args: app.args,
      env: app.env ?? {},
      // Write-only: the names, never the values.
      secretEnv: Object.fromEntries((app.secretEnvKeys ?? []).map((key) => [key, MASK])),
      resources: { cpu: app.resourcesCpu, memory: app.resourcesMemory },
      healthCheck: app.healthCheckPath ? { path: app.healthCheckPath } : null,
      domain: app.domain,
      visibility: app.visibility === "private" ? ("private" as const) : ("public" as const),
      autoscale: app.autoscale,
      restartedAt: app.restartedAt,
      createdAt: app.createdAt,
      updatedAt: app.updatedAt,
    };
  }

  async members(project: Project) {
    const rows = await this.db.models.ProjectMember.query()
      .select("project_members.user_id", "project_members.role", "project_members.created_at", "users.email", "users.name")
      .join("users", "users.id", "project_members.user_id")
      .where("project_members.project_id", project.id)
      .orderBy("project_members.created_at");
    return rows.map((row) => {
      const member = row as unknown as { userId: string; role: Role; createdAt: Date; email: string; name: string };
      return { userId: member.userId, email: member.email, name: member.name, role: member.role, addedAt: member.createdAt };
    });
  }

  /** Adds a member, or changes their role; the last owner cannot be demoted. Answers whether the member is new. */
  async setMember(actor: User, stale: Project, email: string, role: Role): Promise<boolean> {
    return this.db.knex.transaction(async (trx) => {
      const project = await this.lock(trx, stale);
      const user = await this.db.models.User.query(trx).findOne({ email: email.trim().toLowerCase() });
      if (!user || !user.emailConfirmedAt) {
        throw invalidRequest([{ path: "email", message: "has no confirmed BabyHelm account; ask them to sign up first" }]);
      }
      const existing = await this.db.models.ProjectMember.query(trx).findOne({ projectId: project.id, userId: user.id });
      if (existing?.role === "owner" && role !== "owner") await this.keepAnOwner(trx, project, user.id);
      // A new owner takes the project into their limits.
      if (role === "owner" && existing?.role !== "owner") await this.checkLimits(trx, actor, user, { cpu: project.quotaCpu, memory: project.quotaMemory }, project.id);
      if (existing) await this.db.models.ProjectMember.query(trx).patch({ role }).where({ projectId: project.id, userId: user.id });
      else await this.db.models.ProjectMember.query(trx).insert({ projectId: project.id, userId: user.id, role });
      await audit(this.db.models, trx, { actorId: actor.id, projectId: project.id, action: existing ? "member.update" : "member.add", details: { userId: user.id, role } });
      return !existing;
    });
  }

  async removeMember(actor: User, stale: Project, userId: string): Promise<void> {
    await this.db.knex.transaction(async (trx) => {
      const project = await this.lock(trx, stale);
      const member = /^\d{1,18}$/.test(userId) ? await this.db.models.ProjectMember.query(trx).findOne({ projectId: project.id, userId }) : undefined;
      if (!member) throw notFound("That member");
      if (member.role === "owner") await this.keepAnOwner(trx, project, userId);
      await this.db.models.ProjectMember.query(trx).delete().where({ projectId: project.id, userId });
      await announceAuthChange(trx, userId);
      await audit(this.db.models, trx, { actorId: actor.id, projectId: project.id, action: "member.remove", details: { userId } });
    });
  }

  /**
   * Serialises changes to one project (its quota, apps and members), so two requests never both pass a
   * check, and answers the project as it is once locked: `stale` was read before the lock, and another
   * request may have changed (or deleted) it since. Every check in the transaction must use what this returns.
   */
  private async lock(trx: Knex.Transaction, stale: Project): Promise<Project> {
    const project = await this.db.models.Project.query(trx).findById(stale.id).forUpdate();
    if (!project) throw notFound(`Project "${stale.name}"`);
    return project;
  }

  /** An expiry cannot change under a destroy that is queued or running: the project is going. */
  private async refuseWhileDestroying(trx: Knex.Transaction, project: Project): Promise<void> {
    const destroying = await this.db.models.Deployment.query(trx).findOne({ projectId: project.id, kind: "destroy" }).whereIn("status", ["queued", "running"]);
    if (destroying) {
      throw new AppError(409, "being_deleted", `expiresAt: "${project.name}" is being deleted (deployment ${destroying.id} is ${destroying.status}); cancel it while it is queued, or wait: a failed destroy leaves the project, and its expiry can be changed then.`, [{ path: "expiresAt", message: "the project is being deleted" }]);
    }
  }

  private async keepAnOwner(trx: Knex.Transaction, project: Project, leavingUserId: string): Promise<void> {
    const owners = await this.db.models.ProjectMember.query(trx).where({ projectId: project.id, role: "owner" }).whereNot({ userId: leavingUserId }).resultSize();
    if (owners === 0) throw new AppError(409, "last_owner", "A project needs an owner: make someone else an owner first.");
  }
}

export function nameTaken(name: string): AppError {
  return new AppError(409, "name_taken", `name: "${name}" is taken; project names are namespaces, unique across the platform.`, [{ path: "name", message: "is taken" }]);
}
