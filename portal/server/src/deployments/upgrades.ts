/**
 * Platform-wide upgrades. When the portal renders a project's last deployment differently from how it
 * was deployed (a newer SDK, other platform settings), an admin sees exactly what a redeploy would change,
 * per project, and decides which projects to roll the upgrade out to: the canary first, then the others
 * at a bounded concurrency, stopping at the first failure. Nothing is redeployed without that decision.
 * A rollout is a row advanced by a tick in every portal process (one at a time, by row lock), so it goes
 * on when the portal that started it is gone.
 */
import { SDK_VERSION } from "@babyhelm/sdk";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import type { Database } from "../db/database.js";
import { diffManifests } from "./diff.js";
import type { UpgradeCandidate } from "./types.js";
import { manifestsDigest, recordedSpec, renderMasked } from "./records.js";
import { AppError, invalidRequest, notFound, type FieldProblem } from "../errors.js";
import type { Deployment } from "../models/Deployment.js";
import type { Upgrade, UpgradeProject } from "../models/Upgrade.js";
import type { User } from "../models/User.js";
import { audit } from "../services/audit.js";
import type { Deployments } from "./deployments.js";
import { PeriodicTask } from "../services/periodic.js";

export const MAX_UPGRADE_CONCURRENCY = 10;
const TICK_MS = 1000;

/** The next step of a rollout, decided from its projects alone: pure, so its rules are tested directly. */
export function nextStep(projects: UpgradeProject[], concurrency: number): { start: string[]; done?: "succeeded" | "failed"; error?: string } {
  const failed = projects.find((entry) => entry.status === "failed");
  if (failed) return { start: [], done: "failed", error: `Stopped: ${failed.project} failed${failed.error ? ` (${failed.error})` : ""}; the projects after it were not upgraded.` };
  if (projects.every((entry) => entry.status === "succeeded")) return { start: [], done: "succeeded" };
  const canary = projects.find((entry) => entry.canary);
  // The canary alone until it has succeeded.
  if (canary && canary.status !== "succeeded") return { start: canary.status === "pending" ? [canary.projectId] : [] };
  const deploying = projects.filter((entry) => entry.status === "deploying").length;
  const pending = projects.filter((entry) => entry.status === "pending");
  return { start: pending.slice(0, Math.max(0, concurrency - deploying)).map((entry) => entry.projectId) };
}

export class Upgrades {
  private readonly ticks: PeriodicTask;

  constructor(
    private readonly db: Database,
    private readonly deployments: Deployments,
    private readonly config: Pick<Config, "platform" | "secretsKey">,
    private readonly logger: Logger,
  ) {
    this.ticks = new PeriodicTask(() => this.advanceAll(), this.logger, "advancing upgrades failed");
  }

  /** Every project with a recorded successful deployment, and what redeploying it now would change. */
  async candidates(): Promise<{ sdkVersion: string; projects: UpgradeCandidate[] }> {
    const { rows } = await this.db.knex.raw<{ rows: { id: string }[] }>(
      `select max(d.id) as id from deployments d join projects p on p.id = d.project_id
        where d.kind = 'up' and d.status = 'succeeded' and d.manifests_digest is not null group by d.project_id`,
    );
    const last =
      rows.length > 0
        ? await this.db.models.Deployment.query().whereIn(
            "id",
            rows.map((row) => row.id),
          )
        : [];
    const names = new Map(
      (
        await this.db.models.Project.query()
          .whereIn(
            "id",
            last.map((deployment) => deployment.projectId),
          )
          .select("id", "name")
      ).map((project) => [project.id, project.name]),
    );
    const projects = last.map((deployment) => this.compare(deployment, names.get(deployment.projectId)!)).sort((a, b) => a.project.localeCompare(b.project));
    return { sdkVersion: SDK_VERSION, projects };
  }

  private compare(deployment: Deployment, project: string): UpgradeCandidate {
    let now: ReturnType<typeof renderMasked>;
    try {
      now = renderMasked(recordedSpec(deployment, this.config.secretsKey), this.config.platform, this.config.secretsKey);
    } catch (error) {
      // A spec this SDK refuses (a rule tightened since): a redeploy would fail, so it cannot be rolled out.
      return {
        project,
        deploymentId: deployment.id,
        deployedWith: deployment.sdkVersion,
        changed: false,
        changes: [],
        problem: error instanceof Error ? error.message : String(error),
      };
    }
    const changed = manifestsDigest(now) !== deployment.manifestsDigest;
    return { project, deploymentId: deployment.id, deployedWith: deployment.sdkVersion, changed, changes: changed ? diffManifests(deployment.manifests ?? [], now) : [] };
  }

  /**
   * Starts a rollout to `projects` (default: every project a redeploy would change), `canary` first
   * (default: the first of them). Refused while another rollout runs, and for projects it would not change.
   */
  async startRollout(admin: User, input: { projects?: string[]; canary?: string; concurrency?: number }): Promise<Upgrade> {
    const concurrency = input.concurrency ?? 2;
    const { projects: candidates } = await this.candidates();
    const affected = new Map(candidates.filter((candidate) => candidate.changed).map((candidate) => [candidate.project, candidate]));
    const chosen = input.projects ?? [...affected.keys()];
    const problems: FieldProblem[] = [];
    chosen.forEach((name, index) => {
      if (!candidates.some((candidate) => candidate.project === name)) problems.push({ path: `projects[${index}]`, message: `"${name}" is not a deployed project` });
      else if (candidates.find((candidate) => candidate.project === name)?.problem)
        problems.push({ path: `projects[${index}]`, message: `"${name}" cannot be rendered by this portal's SDK; fix its spec first` });
      else if (!affected.has(name)) problems.push({ path: `projects[${index}]`, message: `a redeploy would not change "${name}"; leave it out` });
    });
    if (new Set(chosen).size !== chosen.length) problems.push({ path: "projects", message: "names a project more than once" });
    const canary = input.canary ?? chosen[0];
    if (input.canary !== undefined && !chosen.includes(input.canary)) problems.push({ path: "canary", message: `must be one of the projects to upgrade` });
    if (problems.length > 0) throw invalidRequest(problems);
    if (chosen.length === 0) throw new AppError(409, "nothing_to_upgrade", "No project would change with a redeploy: every project is deployed as this portal renders it.");
    const ids = new Map((await this.db.models.Project.query().whereIn("name", chosen).select("id", "name")).map((project) => [project.name, project.id]));
    const ordered = [canary!, ...chosen.filter((name) => name !== canary)];
    return this.db.knex.transaction(async (trx) => {
      // One rollout at a time: two would redeploy the same projects against each other.
      await trx.raw("select pg_advisory_xact_lock(?)", [0x757067]);
      if (await this.db.models.Upgrade.query(trx).findOne({ status: "running" }))
        throw new AppError(409, "upgrade_running", "Another upgrade is rolling out; wait for it to finish.");
      const upgrade = await this.db.models.Upgrade.query(trx).insertAndFetch({
        requestedBy: admin.id,
        status: "running",
        concurrency,
        projects: ordered.map((name, index) => ({ project: name, projectId: ids.get(name)!, canary: index === 0, status: "pending", deploymentId: null, error: null })),
      });
      await audit(this.db.models, trx, {
        actorId: admin.id,
        projectId: null,
        action: "upgrade.start",
        details: { upgradeId: upgrade.id, projects: ordered, concurrency, sdkVersion: SDK_VERSION },
      });
      return upgrade;
    });
  }

  async get(id: string): Promise<Upgrade> {
    const upgrade = /^\d{1,18}$/.test(id) ? await this.db.models.Upgrade.query().findById(id) : undefined;
    if (!upgrade) throw notFound(`Upgrade ${id}`);
    return upgrade;
  }

  async list(): Promise<Upgrade[]> {
    return await this.db.models.Upgrade.query().orderBy("id", "desc").limit(20);
  }

  /** Advances rollouts every second until stopped. */
  start(): void {
    this.ticks.start(TICK_MS, TICK_MS);
  }

  async stop(): Promise<void> {
    await this.ticks.stop();
  }

  /** Advances every running rollout one step; a rollout another process is advancing is skipped. */
  async advanceAll(): Promise<void> {
    const running = await this.db.models.Upgrade.query().where({ status: "running" }).select("id");
    for (const { id } of running) await this.advance(id);
  }

  async advance(id: string): Promise<void> {
    await this.db.knex.transaction(async (trx) => {
      const upgrade = await this.db.models.Upgrade.query(trx).findById(id).forUpdate().skipLocked();
      if (!upgrade || upgrade.status !== "running") return;
      const projects = upgrade.projects.map((entry) => ({ ...entry }));
      const ids = projects.filter((entry) => entry.deploymentId).map((entry) => entry.deploymentId!);
      const runs = new Map((ids.length > 0 ? await this.db.models.Deployment.query(trx).whereIn("id", ids) : []).map((run) => [run.id, run]));
      for (const entry of projects) {
        const run = entry.deploymentId ? runs.get(entry.deploymentId) : undefined;
        if (entry.status !== "deploying") continue;
        if (!run) Object.assign(entry, { status: "failed", error: "its deployment is gone (the project was deleted)" });
        else if (run.status === "succeeded") entry.status = "succeeded";
        else if (run.status === "failed" || run.status === "cancelled") Object.assign(entry, { status: "failed", error: run.error ?? run.status });
      }
      const step = nextStep(projects, upgrade.concurrency);
      const admin = upgrade.requestedBy ? await this.db.models.User.query(trx).findById(upgrade.requestedBy) : undefined;
      for (const projectId of step.start) {
        const entry = projects.find((candidate) => candidate.projectId === projectId)!;
        const project = await this.db.models.Project.query(trx).findById(projectId);
        const deployed = project && (await this.deployments.lastSucceeded(project, trx));
        if (!project || !deployed) {
          Object.assign(entry, { status: "failed", error: "it has no successful deployment any more" });
          continue;
        }
        const run = await this.deployments.queue(trx, admin ?? null, project, "up", { upgradeId: upgrade.id, specFrom: deployed });
        Object.assign(entry, { status: "deploying", deploymentId: run.id });
      }
      const done = step.done ?? nextStep(projects, upgrade.concurrency).done;
      if (done === "failed") for (const entry of projects) if (entry.status === "pending") entry.status = "skipped";
      await upgrade.$query(trx).patch({
        projects,
        ...(done ? { status: done, finishedAt: new Date(), error: done === "failed" ? (nextStep(projects, upgrade.concurrency).error ?? null) : null } : {}),
      });
      if (done) this.logger.info({ upgradeId: upgrade.id, status: done }, "upgrade finished");
    });
  }
}
