/** Deployments of projects: queued in the project's own queue, run by the runner (runner.ts), read and followed here. */
import type { Knex } from "knex";
import type { Config } from "../config.js";
import type { Database } from "../db/database.js";
import { notify } from "../db/notifications.js";
import { DEPLOYMENT_CANCEL_CHANNEL, DEPLOY_TASK, deploymentJobKey, projectQueue } from "./channels.js";
import { recordedSpec, specRecordOf } from "./records.js";
import type { DeploymentStreams } from "./streams.js";
import { AppError, notFound } from "../errors.js";
import { DEPLOYMENT_JOBS_SCHEMA, enqueueJob } from "../jobs/worker.js";
import type { Deployment, DeploymentKind } from "../models/Deployment.js";
import type { Project } from "../models/Project.js";
import type { User } from "../models/User.js";
import { audit } from "../services/audit.js";
import type { Projects } from "../services/projects/index.js";

const FINAL = new Set(["succeeded", "failed", "cancelled"]);
const MAX_LOG_LINES = 5000;

export function isFinal(deployment: Deployment): boolean {
  return FINAL.has(deployment.status);
}

export interface QueueOptions {
  /** An `up` that reads the cluster back first, undoing changes made outside BabyHelm. */
  refresh?: boolean;
  /** The deployment a rollback returns to. */
  rollbackOf?: string;
  upgradeId?: string;
  /** Run this deployment's recorded spec instead of the project's spec at run time (drift checks, upgrades). */
  specFrom?: Deployment;
}

export class Deployments {
  constructor(
    private readonly db: Database,
    private readonly projects: Projects,
    private readonly config: Config,
  ) {}

  /**
   * Queues a run of the project's stack; it starts when the project's earlier runs have ended. `user` is
   * null for the platform's own runs (an expired project's destroy, a scheduled drift check).
   */
  async create(user: User | null, project: Project, kind: DeploymentKind, options: QueueOptions = {}): Promise<Deployment> {
    // The spec as it is now, secret values masked: what was asked for, for everyone who may read it. The
    // run replaces it with what it really deployed.
    const spec = options.specFrom ? undefined : await this.projects.spec(project);
    return this.db.knex.transaction((trx) => this.queue(trx, user, project, kind, { ...options, spec }));
  }

  /** Queues a run inside the caller's transaction: it runs if and only if the caller's change commits. */
  async queue(trx: Knex.Transaction, user: User | null, project: Project, kind: DeploymentKind, options: QueueOptions & { spec?: unknown } = {}): Promise<Deployment> {
    const { Deployment } = this.db.models;
    let deployment = await Deployment.query(trx).insertAndFetch({
      projectId: project.id,
      kind,
      status: "queued",
      requestedBy: user?.id ?? null,
      spec: options.spec ?? options.specFrom?.spec ?? null,
      refresh: options.refresh ?? false,
      rollbackOf: options.rollbackOf ?? null,
      upgradeId: options.upgradeId ?? null,
      specFrom: options.specFrom?.id ?? null,
    });
    if (options.specFrom) {
      // The recorded secret values travel encrypted for this deployment: nothing is decrypted before the run.
      // Only the spec travels: the run renders and records its manifests when it starts.
      deployment = await deployment.$query(trx).patchAndFetch(specRecordOf(recordedSpec(options.specFrom, this.config.secretsKey), this.config.secretsKey, deployment));
    }
    await enqueueJob(
      trx,
      DEPLOY_TASK,
      { deploymentId: deployment.id },
      {
        schema: DEPLOYMENT_JOBS_SCHEMA,
        queue: projectQueue(project.id),
        maxAttempts: 1,
        key: deploymentJobKey(deployment.id),
      },
    );
    // Drift checks are the platform's routine: the audit log records what people (and expiry) did.
    if (kind !== "drift" || user) {
      const action = options.rollbackOf ? "deployment.rollback" : `deployment.${kind}`;
      const details = {
        deploymentId: deployment.id,
        ...(options.rollbackOf ? { rollbackOf: options.rollbackOf } : {}),
        ...(options.upgradeId ? { upgradeId: options.upgradeId } : {}),
        ...(options.refresh ? { refresh: true } : {}),
      };
      await audit(this.db.models, trx, { actorId: user?.id ?? null, projectId: project.id, action, details });
    }
    return deployment;
  }

  /** Deployments and destroys, newest first; previews and drift checks only when asked for by kind. */
  async list(project: Project, limit = 50, kinds: DeploymentKind[] = ["up", "destroy"]): Promise<Deployment[]> {
    return await this.db.models.Deployment.query().where({ projectId: project.id }).whereIn("kind", kinds).orderBy("id", "desc").limit(limit);
  }

  /** The project's last successful `up`: what its cluster should look like. */
  async lastSucceeded(project: Project, trx?: Knex.Transaction): Promise<Deployment | undefined> {
    return await this.db.models.Deployment.query(trx).findOne({ projectId: project.id, kind: "up", status: "succeeded" }).orderBy("id", "desc");
  }

  /** Resolves once the deployment has ended, or after `timeoutMs` with it as it is then. */
  async waitForEnd(streams: DeploymentStreams, deploymentId: string, timeoutMs: number): Promise<Deployment | undefined> {
    return new Promise((resolve) => {
      let done = false;
      const finish = (deployment: Deployment | undefined) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        unsubscribe();
        resolve(deployment);
      };
      const check = () => {
        this.latest(deploymentId).then(
          (deployment) => (!deployment || isFinal(deployment) ? finish(deployment) : undefined),
          () => undefined,
        );
      };
      const timer = setTimeout(() => void this.latest(deploymentId).then(finish, () => finish(undefined)), timeoutMs);
      const unsubscribe = streams.subscribe(deploymentId, check, () => check());
      check();
    });
  }

  async get(project: Project, id: string): Promise<Deployment> {
    const deployment = /^\d{1,18}$/.test(id) ? await this.db.models.Deployment.query().findOne({ id, projectId: project.id }) : undefined;
    if (!deployment) throw notFound(`Deployment ${id} of "${project.name}"`);
    return deployment;
  }

  /** The engine's output lines, in order: the deployment's log. */
  async log(deployment: Deployment): Promise<string> {
    const lines = await this.db.models.DeploymentEvent.query().where({ deploymentId: deployment.id, type: "output" }).orderBy("sequence").limit(MAX_LOG_LINES).select("data");
    return lines.map((event) => String(event.data.line ?? "")).join("\n");
  }

  async eventsAfter(deploymentId: string, sequence: number) {
    return await this.db.models.DeploymentEvent.query().where({ deploymentId }).where("sequence", ">", sequence).orderBy("sequence").limit(500);
  }

  async latest(deploymentId: string): Promise<Deployment | undefined> {
    return await this.db.models.Deployment.query().findById(deploymentId);
  }

  /**
   * Cancels a queued run at once; asks the portal running a started one to stop its engine (it ends as
   * cancelled when the engine has stopped).
   */
  async cancel(user: User, project: Project, id: string): Promise<Deployment> {
    const deployment = await this.get(project, id);
    if (isFinal(deployment))
      throw new AppError(409, "not_cancellable", `Deployment ${id} has already ${deployment.status === "cancelled" ? "been cancelled" : deployment.status}.`);
    return this.db.knex.transaction(async (trx) => {
      const [queued] = await this.db.models.Deployment.query(trx)
        .patch({ status: "cancelled", error: "cancelled before it started", finishedAt: new Date() })
        .where({ id, status: "queued" })
        .returning("*");
      if (!queued) {
        await this.db.models.Deployment.query(trx).patch({ cancelRequestedAt: new Date() }).where({ id });
        await notify(trx, DEPLOYMENT_CANCEL_CHANNEL, id);
      }
      await audit(this.db.models, trx, { actorId: user.id, projectId: project.id, action: "deployment.cancel", details: { deploymentId: id } });
      return queued ?? (await this.db.models.Deployment.query(trx).findById(id))!;
    });
  }

  /**
   * Deletes a project: a project whose stack never reached the engine goes at once; otherwise its stack is
   * destroyed first, and the runner removes the records when that succeeds.
   */
  async deleteProject(user: User | null, project: Project): Promise<Deployment | undefined> {
    const deletedAtOnce = await this.db.knex.transaction(async (trx) => {
      // Locked and read again: a run that started since the project was loaded has marked its stack.
      const current = await this.db.models.Project.query(trx).findById(project.id).forUpdate();
      if (!current) throw notFound(`Project "${project.name}"`);
      if (current.stackCreatedAt !== null) return false;
      await audit(this.db.models, trx, { actorId: user?.id ?? null, projectId: null, action: "project.delete", details: { name: project.name } });
      await this.projects.deleteRecords(trx, project.id);
      return true;
    });
    return deletedAtOnce ? undefined : this.create(user, project, "destroy");
  }
}
