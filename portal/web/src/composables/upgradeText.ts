/** Words for platform upgrades: what a redeploy would change, and how far a rollout got. Pure, for the admin's page and its specs. */
import type { Upgrade, UpgradeCandidate, UpgradeProject, UpgradeProjectStatus } from "@babyhelm/sdk/api";
import { objectStep, planSummary } from "./planText.js";

/** "12 projects are deployed as this portal renders them."; null when there are none. */
export function unchangedSummary(count: number): string | null {
  if (count === 0) return null;
  return count === 1 ? "1 project is deployed as this portal renders it." : `${count} projects are deployed as this portal renders them.`;
}

/** "2 objects: 1 to create, 1 to update". */
export function candidateSummary(candidate: UpgradeCandidate): string {
  const count = candidate.changes.length;
  return `${count} ${count === 1 ? "object" : "objects"}: ${planSummary(candidate.changes.map(objectStep))}`;
}

const STATUS_WORDS: Record<UpgradeProjectStatus, string> = {
  pending: "waiting",
  deploying: "deploying",
  succeeded: "upgraded",
  failed: "failed",
  skipped: "skipped",
};

export function projectStatusWord(status: UpgradeProjectStatus): string {
  return STATUS_WORDS[status];
}

/** The badge's colour: the deployment badges' classes. */
export function projectStatusClass(status: UpgradeProjectStatus): string {
  return status === "deploying" ? "running" : status === "succeeded" || status === "failed" ? status : "none";
}

/** "3 of 5 upgraded · 1 failed · 1 skipped": every status that some project has, the upgraded count first. */
export function rolloutSummary(upgrade: Pick<Upgrade, "projects">): string {
  const count = (status: UpgradeProjectStatus) => upgrade.projects.filter((entry: UpgradeProject) => entry.status === status).length;
  const parts = [`${count("succeeded")} of ${upgrade.projects.length} upgraded`];
  for (const status of ["deploying", "pending", "failed", "skipped"] as const) if (count(status) > 0) parts.push(`${count(status)} ${STATUS_WORDS[status]}`);
  return parts.join(" · ");
}

/** What the rollout is doing or did, in a sentence. */
export function rolloutState(upgrade: Upgrade): string {
  if (upgrade.status === "succeeded") return "Finished: every project was upgraded.";
  if (upgrade.status === "failed") return upgrade.error ?? "Stopped at the first failure; the projects after it were not upgraded.";
  const canary = upgrade.projects.find((entry) => entry.canary);
  if (canary && canary.status !== "succeeded") return `Upgrading the canary, ${canary.project}, alone; the others follow once it has succeeded.`;
  return `Upgrading the others, ${upgrade.concurrency} at a time; the first failure stops the rollout.`;
}
