import { isPair, isScalar, LineCounter, parseAllDocuments, visit, type Document } from "yaml";
import { formatIssues, ProjectSpecError, type SpecIssue } from "./errors.js";
import { PARSE_OPTIONS } from "./messages.js";
import { projectSpecSchema, type ProjectSpec } from "./schema.js";

/**
 * Validates a spec object and fills in its defaults. Throws a ProjectSpecError that lists every problem
 * with its path; `subject` names the spec in that error. Parsing a parsed spec returns an equal spec.
 */
export function parseProjectSpec(input: unknown, subject?: string): ProjectSpec {
  const result = projectSpecSchema.safeParse(input, PARSE_OPTIONS);
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
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { uniqueKeys: true, prettyErrors: true, lineCounter });
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
  const forbidden = forbiddenKey(list[0]!, lineCounter);
  if (forbidden) throw new ProjectSpecError([forbidden], source);
  keepWrittenText(list[0]!);
  let value: unknown;
  try {
    value = list[0]!.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new ProjectSpecError([{ path: "spec", message: `cannot be read: ${(error as Error).message}` }], source);
  }
  if (value === null || value === undefined) throw new ProjectSpecError([EMPTY], source);
  return value;
}

const TEXT_MAPS = new Set<unknown>(["env", "secretEnv"]);
const QUANTITY_MAPS = new Set<unknown>(["quota", "resources"]);
const QUANTITY_KEYS = new Set<unknown>(["cpu", "memory"]);

/**
 * YAML reads `VERSION: 1.10` as the number 1.1 and `PIN: 0123` as 123. Variables and quantities are text,
 * so for them the scalar's source text is kept exactly as written.
 */
function keepWrittenText(document: Document): void {
  visit(document, {
    Pair(_, pair, path) {
      const scalar = pair.value;
      if (!isScalar(scalar) || scalar.source === undefined) return;
      if (typeof scalar.value !== "number" && typeof scalar.value !== "boolean") return;
      const parent = [...path].reverse().find(isPair);
      const parentKey = isScalar(parent?.key) ? parent.key.value : undefined;
      const key = isScalar(pair.key) ? pair.key.value : undefined;
      if (TEXT_MAPS.has(parentKey) || (QUANTITY_MAPS.has(parentKey) && QUANTITY_KEYS.has(key))) {
        scalar.value = scalar.source;
      }
    },
  });
}

/** A `__proto__` key would be turned into an object's prototype and silently vanish; refuse it instead. */
function forbiddenKey(document: Document, lineCounter: LineCounter): SpecIssue | undefined {
  let issue: SpecIssue | undefined;
  visit(document, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.value === "__proto__") {
        const { line, col } = lineCounter.linePos(pair.key.range?.[0] ?? 0);
        issue = { path: `line ${line}, column ${col}`, message: '"__proto__" is not allowed as a key' };
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return issue;
}
