import { Model } from "objection";

export type UpgradeStatus = "running" | "succeeded" | "failed";
export type UpgradeProjectStatus = "pending" | "deploying" | "succeeded" | "failed" | "skipped";

/** One project of a rollout, in order: the canary first. */
export interface UpgradeProject {
  project: string;
  projectId: string;
  canary: boolean;
  status: UpgradeProjectStatus;
  deploymentId: string | null;
  error: string | null;
}

/** A platform upgrade: redeploying projects whose render changed (a newer SDK, other platform settings). */
export class Upgrade extends Model {
  static override tableName = "upgrades";
  static override jsonAttributes = ["projects"];

  id!: string;
  requestedBy!: string | null;
  status!: UpgradeStatus;
  concurrency!: number;
  projects!: UpgradeProject[];
  error!: string | null;
  createdAt!: Date;
  finishedAt!: Date | null;
}
