import { parseAllDocuments } from "yaml";
import { formatIssues, ProjectSpecError, type SpecIssue } from "./errors.js";
import { projectSpecSchema, type ProjectSpec } from "./schema.js";

/**
 * Validates a spec object and fills in its defaults. Throws a ProjectSpecError that lists every problem
 * with its path; `subject` names the spec in that error. Parsing a parsed spec returns an equal spec.
 */
export function parseProjectSpec(input: unknown, subject?: string): ProjectSpec {
  const result = projectSpecSchema.safeParse(input, { reportInput: true });
  if (!result.success) throw new ProjectSpecError(formatIssues(result.error.issues), subject);
  return result.data;
}

/** Reads a spec from YAML or JSON text (JSON is YAML); `source` names the file in messages. */
export function parseProjectSpecText(text: string, source?: string): ProjectSpec {
  return parseProjectSpec(readSingleDocument(text, source), source);
}

const EMPTY: SpecIssue = { path: "spec", message: "the document is empty; a spec needs at least a name" };

function readSingleDocument(text: string, source?: string): unknown {
  // Duplicate keys are errors, never silently resolved; aliases are bounded against "billion laughs".
  const documents = parseAllDocuments(text, { uniqueKeys: true, prettyErrors: true });
  const list = Array.isArray(documents) ? documents : [];
  const problems = list.flatMap((document) => document.errors);
  if (problems.length > 0) {
    throw new ProjectSpecError(
      problems.map((problem) => ({
        path: problem.linePos ? `line ${problem.linePos[0].line}, column ${problem.linePos[0].col}` : "spec",
        message: `not valid YAML or JSON: ${problem.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "")}`,
      })),
      source,
    );
  }
  if (list.length === 0) throw new ProjectSpecError([EMPTY], source);
  if (list.length > 1) {
    throw new ProjectSpecError([{ path: "spec", message: `found ${list.length} YAML documents; a spec is exactly one` }], source);
  }
  let value: unknown;
  try {
    value = list[0]!.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new ProjectSpecError([{ path: "spec", message: `cannot be read: ${(error as Error).message}` }], source);
  }
  if (value === null || value === undefined) throw new ProjectSpecError([EMPTY], source);
  return value;
}
