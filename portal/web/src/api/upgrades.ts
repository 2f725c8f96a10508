/**
 * Platform upgrades, for platform admins (anyone else gets a 403): what a redeploy would change per project,
 * starting a rollout, and reading one's progress.
 */
import { api } from "./client.js";
import type { Upgrade, UpgradePlan, UpgradeRequest } from "./types.js";

export async function fetchUpgradePlan(signal?: AbortSignal): Promise<UpgradePlan> {
  return (await api.get<UpgradePlan>("/admin/upgrades", { signal })).data;
}

/** Starts a rollout (202); 400 names the field, 409 `nothing_to_upgrade` or `upgrade_running`. */
export async function startUpgrade(request: UpgradeRequest): Promise<Upgrade> {
  return (await api.post<{ upgrade: Upgrade }>("/admin/upgrades", request)).data.upgrade;
}

export async function fetchUpgrade(id: string, signal?: AbortSignal): Promise<Upgrade> {
  return (await api.get<{ upgrade: Upgrade }>(`/admin/upgrades/${encodeURIComponent(id)}`, { signal })).data.upgrade;
}
