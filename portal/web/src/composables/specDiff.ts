/**
 * What a deploy will change: the spec last deployed against the spec now, as sentences people read before
 * they press Deploy. Secret values are masked on both sides, so a changed secret shows as its name only.
 */
type Json = unknown;
type Spec = { quota?: Record<string, Json>; apps?: { name: string; [field: string]: Json }[]; displayName?: string; monitoring?: Record<string, Json> };

const show = (value: Json) => (value === undefined ? "unset" : typeof value === "string" ? value : JSON.stringify(value));

function changedFields(before: Record<string, Json>, after: Record<string, Json>): string[] {
  const fields = new Set([...Object.keys(before), ...Object.keys(after)]);
  const changes: string[] = [];
  for (const field of [...fields].sort()) {
    if (JSON.stringify(before[field]) === JSON.stringify(after[field])) continue;
    if (field === "secretEnv") {
      const keys = new Set([...Object.keys((before[field] as object) ?? {}), ...Object.keys((after[field] as object) ?? {})]);
      const changedKeys = [...keys].filter(
        (key) => ((before[field] as Record<string, Json>) ?? {})[key] === undefined || ((after[field] as Record<string, Json>) ?? {})[key] === undefined,
      );
      changes.push(`secret variables ${changedKeys.length > 0 ? changedKeys.join(", ") : "changed"}`);
    } else {
      changes.push(`${field} ${show(before[field])} → ${show(after[field])}`);
    }
  }
  return changes;
}

/** Sentences for each difference; empty when nothing would change. `before` is undefined for a first deploy. */
export function specDiff(before: Spec | undefined, after: Spec): string[] {
  if (!before) return [`first deploy: creates the namespace and ${after.apps?.length ?? 0} ${after.apps?.length === 1 ? "app" : "apps"}`];
  const changes: string[] = [];
  for (const change of changedFields(before.quota ?? {}, after.quota ?? {})) changes.push(`quota: ${change}`);
  if (before.displayName !== after.displayName) changes.push(`display name ${show(before.displayName)} → ${show(after.displayName)}`);
  const beforeApps = new Map((before.apps ?? []).map((app) => [app.name, app]));
  const afterApps = new Map((after.apps ?? []).map((app) => [app.name, app]));
  for (const [name, app] of afterApps) {
    const old = beforeApps.get(name);
    if (!old) changes.push(`app ${name}: added (${show(app.image)})`);
    else for (const change of changedFields(old, app)) changes.push(`app ${name}: ${change}`);
  }
  for (const name of beforeApps.keys()) if (!afterApps.has(name)) changes.push(`app ${name}: removed`);
  for (const change of changedFields(before.monitoring ?? {}, after.monitoring ?? {})) changes.push(`monitoring: ${change}`);
  return changes;
}
