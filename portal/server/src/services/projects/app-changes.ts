/**
 * A PATCH of an app applied to the stored app, pure. Fields given replace the stored ones (`null` removes
 * an optional field), except `secretEnv`, whose values nobody can read back: keys with a value are set,
 * keys with null removed, keys left out kept, and a key sent back with the masked value the API showed is
 * kept unchanged. The result is unchecked: the project's spec check (spec-check.ts) validates it.
 */
import type { AppSpecInput } from "@babyhelm/sdk";
import { isRecord } from "@babyhelm/sdk/spec";
import type { appBody } from "@babyhelm/sdk/api";
import type { z } from "zod";
import { MASK } from "../project-spec.js";

/** A PATCH of an app as the API contract parses it: fields to set, null to remove. */
export type AppChanges = z.output<typeof appBody>;

export function mergeAppChanges(before: AppSpecInput, changes: AppChanges): Record<string, unknown> {
  const { secretEnv: secretChanges, ...plainChanges } = changes as { secretEnv?: unknown };
  const merged: Record<string, unknown> = { ...before, ...plainChanges };
  for (const [key, value] of Object.entries(merged)) if (value === null) delete merged[key];
  if (secretChanges !== undefined && secretChanges !== null && !isRecord(secretChanges)) {
    // Not a mapping of changes (5, "abc", a list): passed on as it came, for the spec check to refuse at `secretEnv`.
    merged.secretEnv = secretChanges;
  } else if (secretChanges !== undefined) {
    const secretEnv: Record<string, unknown> = secretChanges === null ? {} : { ...(before.secretEnv as Record<string, unknown> | undefined) };
    for (const [key, value] of Object.entries(secretChanges ?? {})) {
      if (value === null) delete secretEnv[key];
      // The masked value the API showed means "unchanged": a form can send back what it was given.
      else if (value !== MASK) secretEnv[key] = value;
    }
    if (Object.keys(secretEnv).length > 0) merged.secretEnv = secretEnv;
    else delete merged.secretEnv;
  }
  return merged;
}
