import type { z } from "zod";

/** One problem in a spec: where (`apps[1].image`) and what is wrong. */
export interface SpecIssue {
  path: string;
  message: string;
}

/**
 * Thrown for a spec (or component arguments) that cannot be used; lists every problem, one per line.
 * `subject` names what was checked: a file, or a component such as `App "web"`.
 */
export class ProjectSpecError extends Error {
  readonly code = "invalid_project_spec";
  readonly issues: SpecIssue[];

  constructor(issues: SpecIssue[], subject = "the project spec") {
    const lines = issues.map((issue) => `  ${issue.path}: ${issue.message}`);
    super(`${subject} is invalid:\n${lines.join("\n")}`);
    this.name = "ProjectSpecError";
    this.issues = issues;
  }
}

/** `["apps", 1, "env", "my key"]` -> `apps[1].env["my key"]`; the document itself is `root`. */
export function formatPath(path: readonly PropertyKey[], root = "spec"): string {
  let text = "";
  for (const segment of path) {
    if (typeof segment === "number") text += `[${segment}]`;
    else if (typeof segment === "string" && /^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) text += text ? `.${segment}` : segment;
    else text += `[${JSON.stringify(String(segment))}]`;
  }
  return text || root;
}

/**
 * How a strict object of the spec (schema.ts) tells `formatIssues` the fields it allows, so an unknown
 * field gets a suggestion: its unrecognized_keys message is this prefix and the names, comma-separated.
 */
export const ALLOWED_FIELDS = "allowed fields: ";

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

function unknownFieldMessage(key: string, allowed: string[]): string {
  const close = allowed.find((candidate) => editDistance(candidate.toLowerCase(), key.toLowerCase()) <= 2);
  return `unknown field${close ? ` (did you mean "${close}"?)` : ""}; allowed fields: ${allowed.join(", ")}`;
}

/**
 * Turns zod's issues into one clear line per problem, each naming its path; the same line is never repeated.
 * Parse with `PARSE_OPTIONS` (messages.ts), so each issue's message is already in the house style.
 */
export function formatIssues(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = [], root = "spec"): SpecIssue[] {
  const seen = new Set<string>();
  return collectIssues(issues, prefix, root).filter((issue) => {
    const line = `${issue.path}: ${issue.message}`;
    if (seen.has(line)) return false;
    seen.add(line);
    return true;
  });
}

function collectIssues(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[], root: string): SpecIssue[] {
  const result: SpecIssue[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    switch (issue.code) {
      case "unrecognized_keys": {
        const allowed = issue.message.startsWith(ALLOWED_FIELDS) ? issue.message.slice(ALLOWED_FIELDS.length).split(",") : undefined;
        for (const key of issue.keys) {
          result.push({ path: formatPath([...path, key], root), message: allowed ? unknownFieldMessage(key, allowed) : issue.message });
        }
        break;
      }
      case "invalid_key": {
        // A bad name in secretEnv may be a pasted `NAME=value`: the message shows only what is safe, the path none of it.
        const keyIsSecret = path.at(-2) === "secretEnv";
        result.push(...collectIssues(issue.issues, keyIsSecret ? path.slice(0, -1) : path, root));
        break;
      }
      case "invalid_element":
        result.push(...collectIssues(issue.issues, path, root));
        break;
      default:
        result.push({ path: formatPath(path, root), message: issue.message });
    }
  }
  return result;
}
