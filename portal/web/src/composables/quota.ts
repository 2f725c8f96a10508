/** A project's quota as the page shows it. */
import { parseQuantity } from "@babyhelm/sdk/spec";

/**
 * How much of a limit is used, as a whole percentage from 0 to 100 (a meter's value): Kubernetes quantities
 * ("500m" of "2", "768Mi" of "4Gi") or counts (pods). 0 when the limit is 0 or either cannot be read.
 */
export function usedPercent(used: string | number | undefined, limit: string | number): number {
  const amount = (value: string | number | undefined) => (typeof value === "number" ? value : (parseQuantity(value ?? "") ?? 0));
  const total = amount(limit);
  return total > 0 ? Math.min(100, Math.round((amount(used) / total) * 100)) : 0;
}
