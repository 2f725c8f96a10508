import type { z } from "zod";
import { invalidRequest, type FieldProblem } from "../errors.js";

function pathText(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, segment) => (typeof segment === "number" ? `${text}[${segment}]` : text ? `${text}.${String(segment)}` : String(segment)), "") || "body";
}

/** zod issues as field problems; values are never repeated (they may be passwords). */
export function fieldProblems(issues: readonly z.core.$ZodIssue[]): FieldProblem[] {
  return issues.flatMap((issue): FieldProblem[] => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({ path: pathText([...issue.path, key]), message: "unknown field" }));
    }
    if (issue.code === "invalid_type") {
      const missing = issue.input === undefined;
      return [{ path: pathText(issue.path), message: missing ? "is required" : `must be ${issue.expected === "object" ? "a JSON object" : `a ${issue.expected}`}` }];
    }
    if (issue.code === "too_big" && issue.origin === "string") return [{ path: pathText(issue.path), message: `must be at most ${issue.maximum} characters` }];
    if (issue.code === "too_small" && issue.origin === "string") {
      return [{ path: pathText(issue.path), message: issue.minimum === 1 ? "must not be empty" : `must be at least ${issue.minimum} characters` }];
    }
    return [{ path: pathText(issue.path), message: issue.message }];
  });
}

/** Parses a request body or query with `schema`; a 400 with one problem per field otherwise. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input, { reportInput: true });
  if (!result.success) throw invalidRequest(fieldProblems(result.error.issues));
  return result.data;
}
