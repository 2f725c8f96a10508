/**
 * Every request field of the API contract refuses bad input in the house style (spec/messages.ts): each
 * endpoint's params, query and body, given wrong types, out-of-range numbers, overlong text and unknown
 * fields, answers sentences that say what the field must be, never zod's own wording.
 */
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { formatIssues } from "../spec/errors.js";
import { PARSE_OPTIONS } from "../spec/messages.js";
import { endpoints } from "./endpoints.js";

/** Phrases of zod's default messages (its English locale); none may reach a user. */
const LIBRARY_WORDING =
  /Invalid input|Invalid (string|option|key|element|value)|Too (big|small)|expected .* to (be|have)|Unrecognized key|received |Required|Expected |\b(a|an) (int|string|object|record|boolean|array)\b/;

const WRONG_VALUES: unknown[] = [1.5, -1, 1e12, true, null, [], {}, "", "x".repeat(5000), [1, "two"], { nested: { deep: 1 } }];

function fieldsOf(schema: z.ZodType): string[] {
  const def = (schema as unknown as { _zod: { def: { type: string; in?: z.ZodType; shape?: Record<string, unknown> } } })._zod.def;
  if (def.type === "pipe" && def.in) return fieldsOf(def.in);
  return def.shape ? Object.keys(def.shape) : [];
}

function messagesOf(schema: z.ZodType, input: unknown): string[] {
  const result = schema.safeParse(input, PARSE_OPTIONS);
  return result.success ? [] : formatIssues(result.error.issues, [], "body").map((issue) => `${issue.path}: ${issue.message}`);
}

describe("the API contract's messages", () => {
  const parts = Object.values(endpoints).flatMap((endpoint) =>
    (["params", "query", "body"] as const).flatMap((part) => {
      const schema = endpoint[part] as z.ZodType | undefined;
      return schema ? [{ name: `${endpoint.id} ${part}`, schema }] : [];
    }),
  );

  it("covers every part of every endpoint that takes input", () => {
    expect(parts.length).toBeGreaterThan(40);
  });

  it.each(parts.map((part) => [part.name, part.schema] as const))("%s: every refusal is in the house style", (_, schema) => {
    const messages = [
      ...messagesOf(schema, [1, 2]),
      ...messagesOf(schema, "text"),
      ...messagesOf(schema, { notAField: 1 }),
      ...fieldsOf(schema).flatMap((field) => WRONG_VALUES.flatMap((value) => messagesOf(schema, { [field]: value }))),
    ];
    expect(messages.length).toBeGreaterThan(0);
    for (const message of messages) expect(message).not.toMatch(LIBRARY_WORDING);
  });

  it("says what the admin limits must be, as it says it for the spec", () => {
    const body = endpoints.updateUserLimits.body!;
    expect(messagesOf(body, { maxProjects: 1.5 })).toEqual(["maxProjects: must be a whole number"]);
    expect(messagesOf(body, { maxProjects: "3" })).toEqual(["maxProjects: must be a number, not text"]);
    expect(messagesOf(body, { maxProjects: 5000 })).toEqual(["maxProjects: must be at most 1000"]);
  });
});
