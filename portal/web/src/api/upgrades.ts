/**
 * Platform upgrades, for platform admins (anyone else gets a 403): what a redeploy would change per project,
 * starting a rollout, and reading one's progress.
 */
import { endpoints, type Upgrade, type UpgradePlan, type UpgradeRequest } from "@babyhelm/sdk/api";
import { abortable, client } from "./client.js";

export async function fetchUpgradePlan(signal?: AbortSignal): Promise<UpgradePlan> {
  return abortable(signal).call(endpoints.getUpgrades);
}

/** Starts a rollout (202); 400 names the field, 409 `nothing_to_upgrade` or `upgrade_running`. */
export async function startUpgrade(request: UpgradeRequest): Promise<Upgrade> {
  return (await client.call(endpoints.startUpgrade, { body: request })).upgrade;
}

export async function fetchUpgrade(id: string, signal?: AbortSignal): Promise<Upgrade> {
  return (await abortable(signal).call(endpoints.getUpgrade, { params: { id } })).upgrade;
}
