/**
 * Differences between two deployments' specs, and between two renders of a project (what a redeploy with
 * a newer SDK or other platform settings would change). Pure: plain JSON in, paths out.
 */
import type { KubernetesObject } from "@babyhelm/sdk";
import type { FieldChange, ObjectChange } from "./types.js";

export type { FieldChange, ObjectChange } from "./types.js";

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);

/** A list whose items are all objects with distinct string names: compared by name, not by position. */
function namedItems(list: unknown[]): Map<string, unknown> | undefined {
  if (list.length === 0 || !list.every((item) => isObject(item) && typeof item.name === "string")) return undefined;
  const byName = new Map(list.map((item) => [(item as { name: string }).name, item]));
  return byName.size === list.length ? byName : undefined;
}

function keyed(before: unknown[], after: unknown[]): [Map<string, unknown>, Map<string, unknown>] | undefined {
  const a = before.length === 0 ? new Map<string, unknown>() : namedItems(before);
  const b = after.length === 0 ? new Map<string, unknown>() : namedItems(after);
  if (!a || !b || (a.size === 0 && b.size === 0)) return undefined;
  return [a, b];
}

function join(path: string, key: string): string {
  return path === "" ? key : /^[A-Za-z_][\w-]*$/.test(key) ? `${path}.${key}` : `${path}["${key}"]`;
}

/** Every leaf that differs between `before` and `after`, in document order; absent sides are left out. */
export function diffValues(before: unknown, after: unknown, path = ""): FieldChange[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((key) => diffValues(before[key], after[key], join(path, key)));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const named = keyed(before, after);
    if (named) {
      const [a, b] = named;
      return [...new Set([...a.keys(), ...b.keys()])].flatMap((name) => diffValues(a.get(name), b.get(name), `${path}[${name}]`));
    }
    if (before.length === after.length) return before.flatMap((item, index) => diffValues(item, after[index], `${path}[${index}]`));
  }
  return [{ path, ...(before === undefined ? {} : { before }), ...(after === undefined ? {} : { after }) }];
}

export function objectKey(object: KubernetesObject): string {
  const namespace = object.metadata?.namespace;
  return `${object.kind} ${namespace ? `${namespace}/` : ""}${object.metadata?.name ?? "?"}`;
}

/** Objects added, removed or changed from one render to the next, with the changed fields of each. */
export function diffManifests(before: KubernetesObject[], after: KubernetesObject[]): ObjectChange[] {
  const a = new Map(before.map((object) => [objectKey(object), object]));
  const b = new Map(after.map((object) => [objectKey(object), object]));
  const changes: ObjectChange[] = [];
  for (const [key, object] of b) {
    const old = a.get(key);
    if (!old) changes.push({ object: key, op: "added", changes: [] });
    else {
      const fields = diffValues(old, object);
      if (fields.length > 0) changes.push({ object: key, op: "changed", changes: fields });
    }
  }
  for (const key of a.keys()) if (!b.has(key)) changes.push({ object: key, op: "removed", changes: [] });
  return changes;
}
