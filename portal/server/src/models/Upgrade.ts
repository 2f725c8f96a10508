import { Model } from "objection";
import type { UpgradeProject, UpgradeStatus } from "@babyhelm/sdk/api";

export type { UpgradeProject, UpgradeProjectStatus, UpgradeStatus } from "../deployments/types.js";

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
