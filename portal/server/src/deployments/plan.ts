/**
 * A preview's plan from the engine's events: per resource what would happen and which fields change, with
 * the value before and after where it is not secret. Pure, so its rules are tested on plain objects.
 */
import type { EngineEvent, StepEventMetadata } from "@pulumi/pulumi/automation/index.js";
import type { PlanChange, PlanStep } from "./types.js";

export type { PlanChange, PlanStep } from "./types.js";

const NO_CHANGE = new Set(["same", "read", "refresh", "discard", "remove-pending-replace"]);
/** Pulumi's own parts of a replacement, folded into one `replace` step. */
const REPLACE_PARTS = new Set(["create-replacement", "delete-replaced", "replace"]);
/** The engine shows a secret as this string (it never sends secret values unless told to). */
const SECRET_SENTINEL = "[secret]";
const PULUMI_SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270";

export function kindOf(type: string): string {
  // kubernetes:apps/v1:Deployment -> Deployment; babyhelm:index:App stays as it is.
  return type.startsWith("kubernetes:") ? type.slice(type.lastIndexOf(":") + 1) : type;
}

/** `spec.template.spec.containers[0].image` -> ["spec", "template", "spec", "containers", 0, "image"]. */
export function parsePath(path: string): (string | number)[] {
  const segments: (string | number)[] = [];
  for (const match of path.matchAll(/([^.[\]"]+)|\[(\d+)\]|\["([^"]*)"\]/g)) {
    if (match[2] !== undefined) segments.push(Number(match[2]));
    else segments.push(match[3] ?? match[1]!);
  }
  return segments;
}

function valueAt(root: unknown, path: (string | number)[]): { found: boolean; value?: unknown } {
  let current = root;
  for (const segment of path) {
    if (current === null || typeof current !== "object" || !(segment in (current as object))) return { found: false };
    current = (current as Record<string | number, unknown>)[segment];
  }
  return { found: true, value: current };
}

function holdsSecret(value: unknown): boolean {
  if (value === SECRET_SENTINEL) return true;
  if (value === null || typeof value !== "object") return false;
  if ((value as Record<string, unknown>)[PULUMI_SECRET_SIGNATURE] !== undefined) return true;
  return Object.values(value as object).some(holdsSecret);
}

/** A value that may be shown: never a Secret's data, never anything the engine marked secret. */
function shown(kind: string, field: string, side: { found: boolean; value?: unknown }): { value?: unknown } {
  if (!side.found) return {};
  if (kind === "Secret" && /^(data|stringData)\b/.test(field)) return {};
  if (holdsSecret(side.value)) return {};
  return { value: side.value };
}

function changesOf(metadata: StepEventMetadata, kind: string): PlanChange[] {
  const fields = metadata.detailedDiff ? Object.keys(metadata.detailedDiff) : (metadata.diffs ?? []);
  const before = metadata.old?.inputs;
  const after = metadata.new?.inputs;
  return [...new Set(fields)].sort().map((field) => {
    const path = parsePath(field);
    const from = shown(kind, field, valueAt(before, path));
    const to = shown(kind, field, valueAt(after, path));
    return { field, ...("value" in from ? { before: from.value } : {}), ...("value" in to ? { after: to.value } : {}) };
  });
}

/** The step an engine event announces, or undefined when it changes nothing (or is not a step). */
export function planStepOf(event: EngineEvent): PlanStep | undefined {
  const metadata = event.resourcePreEvent?.metadata;
  if (!metadata || NO_CHANGE.has(metadata.op)) return undefined;
  // The stack itself and providers are Pulumi's bookkeeping, not something a person deployed.
  if (metadata.type === "pulumi:pulumi:Stack" || metadata.type.startsWith("pulumi:providers:")) return undefined;
  // Components (Project, App…) only group the objects: the objects themselves are the plan.
  // (the engine names no provider for them).
  if (!metadata.provider) return undefined;
  const kind = kindOf(metadata.type);
  const name =
    metadata.new?.inputs?.metadata?.name ?? metadata.old?.inputs?.metadata?.name ?? metadata.old?.outputs?.metadata?.name ?? metadata.urn.slice(metadata.urn.lastIndexOf("::") + 2);
  const op = REPLACE_PARTS.has(metadata.op) ? "replace" : metadata.op;
  return { op, kind, name: String(name), changes: op === "update" || op === "replace" ? changesOf(metadata, kind) : [] };
}

/** Collects a run's steps in order; a replacement's several events become one step. */
export class PlanCollector {
  private readonly steps = new Map<string, PlanStep>();

  add(event: EngineEvent): void {
    const step = planStepOf(event);
    if (!step) return;
    const urn = event.resourcePreEvent!.metadata.urn;
    const earlier = this.steps.get(urn);
    // create-replacement carries the diff; delete-replaced comes later without one.
    if (earlier && earlier.changes.length > 0 && step.changes.length === 0) return;
    this.steps.set(urn, step);
  }

  result(): PlanStep[] {
    return [...this.steps.values()];
  }
}
