/**
 * Checks of a candidate project, pure: every change builds the project's whole spec as it would be after
 * the change and parses it with the SDK's schema (the same rules as `babyhelm validate` and a deploy,
 * including the quota fit), so nothing is stored that could not be deployed.
 */
import { parseProjectSpec, ProjectSpecError, type ProjectSpec } from "@babyhelm/sdk";
import { AppError, invalidRequest, type FieldProblem } from "../../errors.js";
import { checkExpiresAt } from "../../expiry/rules.js";

/** Spec problems as field problems; `appIndex` turns `apps[i].image` into `image` for app endpoints. */
export function specProblems(error: ProjectSpecError, appIndex?: number): FieldProblem[] {
  const prefix = appIndex === undefined ? undefined : `apps[${appIndex}].`;
  return error.issues.map((issue) => ({
    path: prefix && issue.path.startsWith(prefix) ? issue.path.slice(prefix.length) : issue.path,
    message: issue.message,
  }));
}

/**
 * Parses a candidate spec, answering 400 with each problem at its field. The candidate is unchecked: a
 * request's spec fields (the contract's `Record<string, unknown>`s) reach this check as they came.
 */
export function checkSpec(candidate: unknown, appIndex?: number): ProjectSpec {
  try {
    return parseProjectSpec(candidate);
  } catch (error) {
    if (error instanceof ProjectSpecError) throw invalidRequest(specProblems(error, appIndex));
    throw error;
  }
}

/** Parses a spec restored from elsewhere (`what`, e.g. a deployment's), answering 409 `no_longer_valid` with each problem. */
export function checkStillFits(candidate: unknown, what: string): ProjectSpec {
  try {
    return parseProjectSpec(candidate);
  } catch (error) {
    if (!(error instanceof ProjectSpecError)) throw error;
    const problems = specProblems(error);
    throw new AppError(
      409,
      "no_longer_valid",
      `${what} no longer fits the project: ${problems.map((problem) => `${problem.path}: ${problem.message}`).join("; ")}. Change the project (e.g. its quota) or its apps instead.`,
      problems,
    );
  }
}

/** The stored time of an `expiresAt` from a request (null: none); 400 at `expiresAt` when it may not be. */
export function expiryOf(value: string | null | undefined, now = new Date()): Date | null {
  if (value === undefined || value === null) return null;
  const checked = checkExpiresAt(value, now);
  if ("problem" in checked) throw invalidRequest([{ path: "expiresAt", message: checked.problem }]);
  return checked.expiresAt;
}
