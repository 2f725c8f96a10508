/** Shapes every part of the API shares: the error answer, roles, timestamps, request fields. */
import { z } from "zod";
import { personNameProblem } from "../spec/person-names.js";
import { checked } from "../spec/schema.js";

/** An instant as JSON carries it: ISO 8601 in UTC. */
export const timestamp = z.string().meta({ format: "date-time" });
export const nullableTimestamp = timestamp.nullable();

export const ROLES = ["owner", "developer", "viewer"] as const;
export const role = z.enum(ROLES, { message: "must be owner, developer or viewer" });

/** A database id, as a decimal string. */
export const id = z.string().regex(/^\d{1,18}$/, { message: "must be an id (digits)" });

export const fieldProblem = z.strictObject({ path: z.string(), message: z.string() });

/** Every 4xx and 5xx: a stable code, a sentence for people, and (for 400 invalid_request) one problem per field. */
export const errorAnswer = z
  .strictObject({
    error: z.strictObject({
      code: z.string().regex(/^[a-z][a-z0-9_]*$/),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: "Error" });

export type ErrorAnswer = z.infer<typeof errorAnswer>;
export type FieldProblem = z.infer<typeof fieldProblem>;
export type Role = z.infer<typeof role>;

// Request fields. Every string has an upper bound.
export const emailField = z
  .string()
  .trim()
  .max(254, { message: "must be at most 254 characters long" })
  .pipe(z.email({ message: "must be an e-mail address" }));
/** Login and confirmation fields take any text up to a bound; the rules for new passwords are in passwords.ts. */
export const passwordField = z.string().min(1).max(1000);
/** Names people read (an account's, a token's): no control, bidirectional or invisible characters (spec/person-names.ts). */
export const nameField = z
  .string()
  // Before the trim, which would quietly drop a byte order mark at either end instead of refusing it.
  .superRefine(checked(personNameProblem))
  .trim()
  .min(1)
  .max(100);
export const tokenField = z.string().min(1).max(200);

/** A project's name in a path (its rules are the ProjectSpec's; a wrong one is simply not found). */
export const projectParams = z.strictObject({ name: z.string() });
export const appParams = z.strictObject({ name: z.string(), app: z.string() });
export const deploymentParams = z.strictObject({ name: z.string(), id: z.string() });

/** Bodies of POSTs that take none: nothing, or an empty JSON object. */
export const emptyBody = z.strictObject({});

/** The answer to a request that was accepted and will be acted on (202), without saying more. */
export const acceptedAnswer = z.strictObject({ status: z.string() });
