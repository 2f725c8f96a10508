/**
 * Words for plans and diffs: a preview's or drift check's steps, a deployment diff's changed objects, and
 * the values of their fields. Pure, for the plan view and its specs.
 */
import type { FieldChange, ObjectChange, PlanChange, PlanStep } from "@babyhelm/sdk/api";

/** A field of a plan or diff, its values as text; null: that side was not given (secret, or unset). */
export interface ShownChange {
  path: string;
  before: string | null;
  after: string | null;
  /** Neither side given: a secret's change, of which only the field is told. */
  hidden: boolean;
}

const LIMIT = 200;

export function showValue(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > LIMIT ? `${text.slice(0, LIMIT - 1)}…` : text;
}

export function shownChange(change: PlanChange | FieldChange): ShownChange {
  const path = "field" in change ? change.field : change.path;
  const hasBefore = "before" in change && change.before !== undefined;
  const hasAfter = "after" in change && change.after !== undefined;
  return {
    path,
    before: hasBefore ? showValue(change.before) : null,
    after: hasAfter ? showValue(change.after) : null,
    hidden: !hasBefore && !hasAfter,
  };
}

const OP_OF: Record<ObjectChange["op"], PlanStep["op"]> = { added: "create", removed: "delete", changed: "update" };

/** `Deployment shop/web` -> a step on Deployment `shop/web`, so a diff of two deployments reads like a plan. */
export function objectStep(change: ObjectChange): PlanStep {
  const space = change.object.indexOf(" ");
  const kind = space > 0 ? change.object.slice(0, space) : change.object;
  const name = space > 0 ? change.object.slice(space + 1) : "";
  return { op: OP_OF[change.op], kind, name, changes: change.changes.map(({ path, ...sides }) => ({ field: path, ...sides })) };
}

const VERBS: Record<string, string> = { create: "to create", update: "to update", replace: "to replace", delete: "to delete" };

/** "1 to create, 2 to update": the plan in a line, in the order create, update, replace, delete. */
export function planSummary(steps: PlanStep[]): string {
  const counts = new Map<string, number>();
  for (const step of steps) counts.set(step.op, (counts.get(step.op) ?? 0) + 1);
  const order = [...Object.keys(VERBS), ...[...counts.keys()].filter((op) => !(op in VERBS))];
  return order
    .filter((op) => counts.has(op))
    .map((op) => `${counts.get(op)} ${VERBS[op] ?? op}`)
    .join(", ");
}
