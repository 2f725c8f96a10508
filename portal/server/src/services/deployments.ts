/** Deployments of projects: queued in the project's own queue, run by the runner, read and followed here. */
import type { Database } from "../db/database.js";
import { notify } from "../db/notifications.js";
import { DEPLOYMENT_CANCEL_CHANNEL, DEPLOY_TASK, deploymentJobKey, projectQueue } from "../deployments/channels.js";
import { AppError, notFound } from "../errors.js";
import { DEPLOYMENT_JOBS_SCHEMA, enqueueJob } from "../jobs/worker.js";
import type { Deployment, DeploymentKind } from "../models/Deployment.js";
import type { Project } from "../models/Project.js";
import type { User } from "../models/User.js";
import { audit } from "./audit.js";
import type { Projects } from "./projects.js";

const FINAL = new Set(["succeeded", "failed", "cancelled"]);
const MAX_LOG_LINES = 5000;

export function isFinal(deployment: Deployment): boolean {
  return FINAL.has(deployment.status);
}

export class Deployments {
  constructor(
    private readonly db: Database,
    private readonly projects: Projects,
  ) {}

  present(deployment: Deployment) {
    return {
      id: deployment.id,
      kind: deployment.kind,
      status: deployment.status,
      error: deployment.error,
      summary: deployment.summary,
      outputs: deployment.outputs,
      createdAt: deployment.createdAt,
      startedAt: deployment.startedAt,
      finishedAt: deployment.finishedAt,
    };
  }

  /**
   * Queues a run of the project's stack; it starts when the project's earlier runs have ended. `user` is
   * null for the platform's own runs (an expired project's destroy, a scheduled drift check).
   */
  async create(user: User | null, project: Project, kind: DeploymentKind): Promise<Deployment> {
    // The spec as it is now, secret values masked: what was asked for, for everyone who may read it.
    const spec = await this.projects.spec(project);
    return this.db.knex.transaction(async (trx) => {
      const deployment = await this.db.models.Deployment.query(trx).insertAndFetch({ projectId: project.id, kind, status: "queued", requestedBy: user?.id ?? null, spec });
      await enqueueJob(trx, DEPLOY_TASK, { deploymentId: deployment.id }, {
        schema: DEPLOYMENT_JOBS_SCHEMA,
        queue: projectQueue(project.id),
        maxAttempts: 1,
        key: deploymentJobKey(deployment.id),
      });
      await audit(this.db.models, trx, { actorId: user?.id ?? null, projectId: project.id, action: `deployment.${kind}`, details: { deploymentId: deployment.id } });
      return deployment;
    });
  }

  async list(project: Project, limit = 50): Promise<Deployment[]> {
    return await this.db.models.Deployment.query().where({ projectId: project.id }).orderBy("id", "desc").limit(limit);
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
    if (isFinal(deployment)) throw new AppError(409, "not_cancellable", `Deployment ${id} has already ${deployment.status === "cancelled" ? "been cancelled" : deployment.status}.`);
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
