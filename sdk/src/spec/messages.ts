/**
 * The house style for what a schema does not word itself: zod's defaults ("Invalid input: expected int,
 * received number") replaced by short sentences that say what the field must be. Every parse of the spec
 * (CLI, SDK components) and of a portal request passes `PARSE_OPTIONS`, so no library wording reaches a
 * user; a schema's own message (a refinement's, `wholeNumber`'s) still wins over these.
 */
import type { z } from "zod";

/** Names a value's type without showing the value: inputs may hold secrets. */
export function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  switch (typeof value) {
    case "string":
      return "text";
    case "number":
      if (!Number.isFinite(value)) return String(value);
      return Number.isInteger(value) ? "a whole number" : "a fraction";
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
  null: "null",
};

function listed(values: readonly unknown[]): string {
  const shown = values.map((value) => JSON.stringify(value));
  return shown.length <= 1 ? (shown[0] ?? "nothing") : `${shown.slice(0, -1).join(", ")} or ${shown.at(-1)}`;
}

function bound(issue: { origin: string; inclusive?: boolean }, value: number | bigint, upper: boolean): string {
  switch (issue.origin) {
    case "string":
      return upper ? `must be at most ${value} characters long` : value === 1 ? "must not be empty" : `must be at least ${value} characters long`;
    case "array":
    case "set":
      return upper ? `must have at most ${value} items` : value === 1 ? "must not be empty" : `must have at least ${value} items`;
    default:
      if (issue.inclusive === false) return upper ? `must be less than ${value}` : `must be more than ${value}`;
      return upper ? `must be at most ${value}` : `must be at least ${value}`;
  }
}

const FORMATS: Record<string, string> = {
  email: "must be an e-mail address",
  url: "must be a URL",
  datetime: "must be an ISO 8601 time, such as 2026-12-24T18:00:00Z",
  date: "must be a date, such as 2026-12-24",
  uuid: "must be a UUID",
};

/** The house-style message of a zod issue the schema left unworded. */
export const houseStyleMessage: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) return "is required";
      if (issue.expected === "int" && typeof issue.input === "number" && Number.isFinite(issue.input)) return "must be a whole number";
      return `must be ${EXPECTED[issue.expected] ?? issue.expected}, not ${describeType(issue.input)}`;
    case "too_big":
      return bound(issue, issue.maximum, true);
    case "too_small":
      return bound(issue, issue.minimum, false);
    case "invalid_value":
      return `must be ${listed(issue.values)}`;
    case "invalid_format":
      return FORMATS[issue.format] ?? "is not in the expected format";
    case "not_multiple_of":
      return `must be a multiple of ${issue.divisor}`;
    case "unrecognized_keys":
      return "unknown field";
    case "invalid_union":
      return "matches none of the forms this field takes";
    case "invalid_key":
      return "has an invalid name";
    case "invalid_element":
      return "has an invalid entry";
    default:
      return "is not valid";
  }
};

/**
 * What every parse passes: the house style. Not `reportInput`: an error map sees the input anyway, and
 * issues that keep it would carry passwords and secret values wherever an error goes.
 */
export const PARSE_OPTIONS = { error: houseStyleMessage } as const;
