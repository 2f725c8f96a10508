/**
 * What deployments kept of what they deployed: a deployment's spec, the differences between two of them,
 * and rolling back to one (its apps become the project's apps again, and are deployed, in one audited step).
 */
import type { DeploymentDiff, DeploymentSpec } from "@babyhelm/sdk/api";
import type { Config } from "../config.js";
import type { Database } from "../db/database.js";
import { diffManifests, diffValues, type FieldChange } from "./diff.js";
import { recordedSpec } from "./records.js";
import { AppError, notFound } from "../errors.js";
import type { Deployment } from "../models/Deployment.js";
import type { Project } from "../models/Project.js";
import type { User } from "../models/User.js";
import type { Deployments } from "./deployments.js";
import { MASK } from "../services/project-spec.js";
import type { Projects } from "../services/projects/index.js";

/** Deployments that kept a spec: `up`s run since operations were recorded (older ones kept only a masked spec). */
function assertRecorded(deployment: Deployment): void {
  if (deployment.kind !== "up") throw new AppError(409, "not_a_deployment", `Deployment ${deployment.id} is a ${deployment.kind}, not a deployment of the apps; choose an "up".`);
  if (!deployment.manifestsDigest) throw new AppError(409, "not_recorded", `Deployment ${deployment.id} did not run far enough to record what it deployed (${deployment.status}).`);
}

export class DeploymentHistory {
  constructor(
    private readonly db: Database,
    private readonly projects: Projects,
    private readonly deployments: Deployments,
    private readonly config: Config,
  ) {}

  /** The spec a deployment deployed (secret values masked), with the SDK version and the manifests' digest. */
  async spec(project: Project, id: string): Promise<DeploymentSpec> {
    const deployment = await this.deployments.get(project, id);
    assertRecorded(deployment);
    return { deploymentId: deployment.id, status: deployment.status, sdkVersion: deployment.sdkVersion, manifestsDigest: deployment.manifestsDigest, spec: deployment.spec };
  }

  /**
   * From deployment `fromId` (default: the `up` before `id`) to `id`: the spec's fields, changed secret
   * values as masked changes (never the values), and the rendered objects.
   */
  async diff(project: Project, id: string, fromId?: string): Promise<DeploymentDiff> {
    const to = await this.deployments.get(project, id);
    assertRecorded(to);
    const from = fromId
      ? await this.deployments.get(project, fromId)
      : await this.db.models.Deployment.query().findOne({ projectId: project.id, kind: "up" }).where("id", "<", to.id).whereNotNull("manifestsDigest").orderBy("id", "desc");
    if (!from) throw notFound(`A deployment of "${project.name}" before ${id}`);
    assertRecorded(from);
    return {
      from: { id: from.id, sdkVersion: from.sdkVersion, manifestsDigest: from.manifestsDigest },
      to: { id: to.id, sdkVersion: to.sdkVersion, manifestsDigest: to.manifestsDigest },
      spec: [...diffValues(from.spec, to.spec), ...this.secretChanges(from, to)],
      manifests: diffManifests(from.manifests ?? [], to.manifests ?? []),
    };
  }

  /** Secret values that differ while their names stayed: masked on both sides, so only the change shows. */
  private secretChanges(from: Deployment, to: Deployment): FieldChange[] {
    const before = recordedSpec(from, this.config.secretsKey);
    const after = recordedSpec(to, this.config.secretsKey);
    const changes: FieldChange[] = [];
    for (const app of after.apps) {
      const old = before.apps.find((candidate) => candidate.name === app.name)?.secretEnv ?? {};
      for (const [key, value] of Object.entries(app.secretEnv ?? {})) {
        if (key in old && old[key] !== value) changes.push({ path: `apps[${app.name}].secretEnv.${key}`, before: MASK, after: MASK });
      }
    }
    return changes;
  }

  /**
   * Makes the apps of deployment `id` the project's apps again (images, env, secret values, replicas…) and
   * queues their deploy, in one transaction and one audit entry. The project's own settings (quota,
   * display name, dashboard) stay as they are now: they are an owner's, and a rollback is a developer's.
   */
  async rollback(user: User, project: Project, id: string): Promise<Deployment> {
    const target = await this.deployments.get(project, id);
    assertRecorded(target);
    if (target.status !== "succeeded") throw new AppError(409, "not_rollbackable", `Deployment ${id} ${target.status}; roll back to one that succeeded.`);
    const spec = recordedSpec(target, this.config.secretsKey);
    return this.db.knex.transaction(async (trx) => {
      await this.projects.replaceApps(trx, project, spec.apps, `The spec of deployment ${id}`);
      return this.deployments.queue(trx, user, project, "up", { rollbackOf: target.id, spec: { ...(target.spec as object) } });
    });
  }
}
