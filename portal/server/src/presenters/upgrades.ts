/** A platform upgrade rollout as the API shows it. */
import type { Upgrade as UpgradeAnswer } from "@babyhelm/sdk/api";
import type { Wire } from "../http/wire.js";
import type { Upgrade } from "../models/Upgrade.js";

export function presentUpgrade(upgrade: Upgrade): Wire<UpgradeAnswer> {
  return {
    id: upgrade.id,
    status: upgrade.status,
    concurrency: upgrade.concurrency,
    error: upgrade.error,
    projects: upgrade.projects,
    createdAt: upgrade.createdAt,
    finishedAt: upgrade.finishedAt,
  };
}
