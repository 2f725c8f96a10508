import { formatIssues, formatPath, PARSE_OPTIONS, unstorableText } from "@babyhelm/sdk/spec";
import type { z } from "zod";
import { invalidRequest } from "../errors.js";

/**
 * Parses a request body, query or path parameters with `schema`; a 400 with one problem per field
 * otherwise, in the words and path style of the SDK's spec errors (`env.KEY`, `apps[0].image`), so a field
 * the portal refuses reads as `babyhelm validate` would say it. Values are never repeated (they may be
 * passwords); a problem of the request as a whole is at `body`. Text PostgreSQL and Kubernetes cannot
 * store (a NUL, a lone surrogate) is refused first, in any field whatever the schema, so no such value
 * ever reaches a query.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const unstorable = unstorableText(input);
  if (unstorable.length > 0) throw invalidRequest(unstorable.map((problem) => ({ path: formatPath(problem.path, "body"), message: problem.message })));
  const result = schema.safeParse(input, PARSE_OPTIONS);
  if (!result.success) throw invalidRequest(formatIssues(result.error.issues, [], "body"));
  return result.data;
}
