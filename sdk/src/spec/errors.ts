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

/** `["apps", 1, "env", "my key"]` -> `apps[1].env["my key"]`; the document itself is `spec`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = "";
  for (const segment of path) {
    if (typeof segment === "number") text += `[${segment}]`;
    else if (typeof segment === "string" && /^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) text += text ? `.${segment}` : segment;
    else text += `[${JSON.stringify(String(segment))}]`;
  }
  return text || "spec";
}

/** Names a value's type without showing the value: inputs may hold secrets. */
function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  switch (typeof value) {
    case "string":
      return "text";
    case "number":
      if (!Number.isFinite(value)) return String(value);
      return Number.isInteger(value) ? "a whole number" : "a number";
    case "boolean":
      return "true/false";
    case "object":
      return "a mapping";
    default:
      return typeof value;
  }
}

const EXPECTED: Record<string, string> = {
  string: "text",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "a mapping of fields",
  record: "a mapping of names to values",
};

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

function sizeMessage(issue: z.core.$ZodIssueTooBig | z.core.$ZodIssueTooSmall): string {
  const bound = "maximum" in issue ? issue.maximum : issue.minimum;
  const word = issue.code === "too_big" ? "at most" : "at least";
  switch (issue.origin) {
    case "string":
      return `must be ${word} ${bound} characters long`;
    case "array":
      return `must have ${word} ${bound} items`;
    default:
      // Numbers carry their own message (schema.ts `wholeNumber`), which shows the value and the range.
      return issue.message;
  }
}

/** Turns zod's issues into one clear line per problem, each naming its path; the same line is never repeated. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): SpecIssue[] {
  const seen = new Set<string>();
  return collectIssues(issues, prefix).filter((issue) => {
    const line = `${issue.path}: ${issue.message}`;
    if (seen.has(line)) return false;
    seen.add(line);
    return true;
  });
}

function collectIssues(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[]): SpecIssue[] {
  const result: SpecIssue[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    switch (issue.code) {
      case "invalid_type": {
        let message = `expected ${EXPECTED[issue.expected] ?? issue.expected}, got ${describeType(issue.input)}`;
        if (issue.input === undefined) message = "is required";
        // A fraction where a whole number belongs: the schema's own message shows the value and range.
        else if (issue.expected === "int" && typeof issue.input === "number") message = issue.message;
        result.push({ path: formatPath(path), message });
        break;
      }
      case "unrecognized_keys": {
        const allowed = issue.message.split(",");
        for (const key of issue.keys) {
          result.push({ path: formatPath([...path, key]), message: unknownFieldMessage(key, allowed) });
        }
        break;
      }
      case "invalid_key": {
        // A bad name in secretEnv may be a pasted `NAME=value`: the message shows only what is safe, the path none of it.
        const keyIsSecret = path.at(-2) === "secretEnv";
        result.push(...collectIssues(issue.issues, keyIsSecret ? path.slice(0, -1) : path));
        break;
      }
      case "invalid_element":
        result.push(...collectIssues(issue.issues, path));
        break;
      case "too_big":
      case "too_small":
        result.push({ path: formatPath(path), message: sizeMessage(issue) });
        break;
      case "invalid_format":
        result.push({ path: formatPath(path), message: issue.message });
        break;
      default:
        result.push({ path: formatPath(path), message: issue.message });
    }
  }
  return result;
}
