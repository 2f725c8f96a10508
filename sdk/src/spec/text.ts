/**
 * Text that can be stored. Kubernetes' API server and PostgreSQL keep text as UTF-8 and refuse a NUL
 * character (PostgreSQL) or a lone UTF-16 surrogate, which has no UTF-8 form and would be turned into
 * U+FFFD on the way. The spec schema and the portal's request parsing both use these, so the CLI and the
 * portal refuse the same text in the same words.
 */

import { envNameProblem } from "./names.js";

const NUL = "\u0000";
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** `U+202E`: how a message names a character without showing it (it may be invisible, or turn the line around). */
export function codePointName(character: string): string {
  return `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** Why `value` cannot be stored as text (a NUL, a lone surrogate), or undefined when it can. Never shows the value. */
export function storableTextProblem(value: string): string | undefined {
  if (value.includes(NUL)) return "contains a NUL character (U+0000), which Kubernetes and PostgreSQL cannot store; remove it";
  const surrogate = LONE_SURROGATE.exec(value);
  if (surrogate) {
    return `contains half of a UTF-16 surrogate pair (${codePointName(surrogate[0])}) without the other half, which is not text; send the whole character or remove it`;
  }
  return undefined;
}

export interface TextProblem {
  path: PropertyKey[];
  message: string;
}

/** Far deeper than any request or spec nests (`apps[0].secretEnv.KEY` is 4), far shallower than a hostile body. */
export const MAX_NESTING = 32;
/** Enough to fix a request by; a body of a million bad strings gets an answer of this many lines. */
export const MAX_TEXT_PROBLEMS = 20;

/**
 * The strings of a JSON value (keys included) that cannot be stored, with their paths, in document order
 * and as the spec schema reports them: a key at its own path. Under a `secretEnv`, whose names may be
 * pasted secrets (`TOKEN=...`), a bad name is reported at the mapping, and below a name that is not a
 * variable name, or a value that is not text, nothing is looked at: the schema refuses those without
 * repeating the name. A value nested
 * deeper than MAX_NESTING is one problem at the root; at most MAX_TEXT_PROBLEMS are listed. Walks with
 * its own stack, so no body can exhaust the call stack.
 */
export function unstorableText(value: unknown): TextProblem[] {
  interface Visit {
    value: unknown;
    depth: number;
    key?: PropertyKey;
    parent?: Visit;
  }
  const pathOf = (visit: Visit): PropertyKey[] => {
    const path: PropertyKey[] = [];
    for (let at: Visit | undefined = visit; at?.parent; at = at.parent) path.push(at.key!);
    return path.reverse();
  };
  const problems: TextProblem[] = [];
  const pending: Visit[] = [{ value, depth: 0 }];
  while (pending.length > 0 && problems.length < MAX_TEXT_PROBLEMS) {
    const visit = pending.pop()!;
    const current = visit.value;
    if (typeof current === "string") {
      const message = storableTextProblem(current);
      if (message) problems.push({ path: pathOf(visit), message });
      continue;
    }
    if (typeof current !== "object" || current === null) continue;
    if (visit.depth >= MAX_NESTING) return [{ path: [], message: `is nested more than ${MAX_NESTING} levels deep; no request or spec is` }];
    const children: Visit[] = [];
    const secrets = visit.key === "secretEnv";
    if (Array.isArray(current)) current.forEach((item, index) => children.push({ value: item, depth: visit.depth + 1, key: index, parent: visit }));
    else {
      for (const [key, item] of Object.entries(current)) {
        const message = storableTextProblem(key);
        if (message) problems.push({ path: secrets ? pathOf(visit) : [...pathOf(visit), key], message });
        // A secret's value is text (the schema refuses anything else): nothing below it is walked, or repeated.
        else if (!secrets || (envNameProblem(key) === undefined && typeof item === "string")) children.push({ value: item, depth: visit.depth + 1, key, parent: visit });
      }
    }
    for (let index = children.length - 1; index >= 0; index--) pending.push(children[index]!);
  }
  return problems.slice(0, MAX_TEXT_PROBLEMS);
}
