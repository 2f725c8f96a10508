/** A platform upgrade rollout as the API shows it. */
import type { Upgrade } from "../models/Upgrade.js";

export function presentUpgrade(upgrade: Upgrade) {
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
