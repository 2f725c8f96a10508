import { formatIssues, formatPath, PARSE_OPTIONS, unstorableText } from "@babyhelm/sdk/spec";
import type { z } from "zod";
import { invalidRequest, type FieldProblem } from "../errors.js";

/** Text PostgreSQL and Kubernetes cannot store (a NUL, a lone surrogate), in any field whatever the schema. */
function unstorable(input: unknown): FieldProblem[] {
  return unstorableText(input).map((problem) => ({ path: formatPath(problem.path, "body"), message: problem.message }));
}

/**
 * Refuses path parameters no query can carry. They are read by the access guards (a project's name) before
 * the request is parsed, so they are checked on their own, first.
 */
export function refuseUnstorable(input: unknown): void {
  const problems = unstorable(input);
  if (problems.length > 0) throw invalidRequest(problems);
}

/**
 * Parses a request body, query or path parameters with `schema`; a 400 with one problem per field
 * otherwise, in the words and path style of the SDK's spec errors (`env.KEY`, `apps[0].image`), so a field
 * the portal refuses reads as `babyhelm validate` would say it. Values are never repeated (they may be
 * passwords); a problem of the request as a whole is at `body`. Text that cannot be stored is refused in
 * any field, also where the schema takes anything, so no such value ever reaches a query.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const textProblems = unstorable(input);
  const result = schema.safeParse(input, PARSE_OPTIONS);
  const schemaProblems = result.success ? [] : formatIssues(result.error.issues, [], "body");
  // One answer lists both, a field once: its text problem says more than "unknown field" would.
  const problems = [...textProblems, ...schemaProblems.filter((problem) => !textProblems.some((text) => text.path === problem.path))];
  if (problems.length > 0 || !result.success) throw invalidRequest(problems);
  return result.data;
}
