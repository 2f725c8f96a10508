/**
 * Typed errors with stable codes. Routes and services throw these; the error middleware turns them into
 * `{"error": {"code", "message", "details"}}` with their status. Anything else becomes a 500 that says nothing
 * about internals.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "AppError";
  }
}

export interface FieldProblem {
  /** The request field, e.g. `password` or `apps[0].image`. */
  path: string;
  message: string;
}

export const invalidRequest = (details: FieldProblem[]) =>
  new AppError(400, "invalid_request", details.map((problem) => `${problem.path}: ${problem.message}`).join("; "), details);
export const methodNotAllowed = () => new AppError(405, "method_not_allowed", "This path does not take that method.");
export const unauthenticated = () => new AppError(401, "unauthenticated", "Log in, or send a personal access token as Authorization: Bearer bh_...");
/** A personal access token past its expiry: it is refused, not treated as anonymous, so CI says why. */
export const tokenExpired = (expiresAt: Date) =>
  new AppError(401, "token_expired", `This personal access token expired at ${expiresAt.toISOString()}; create a new one on your account page and use it instead.`, {
    expiresAt: expiresAt.toISOString(),
  });
export const invalidCredentials = () => new AppError(401, "invalid_credentials", "The e-mail address or password is wrong.");
export const emailNotConfirmed = () => new AppError(403, "email_not_confirmed", "Confirm your e-mail address first: follow the link we sent you, or ask for a new one.");
export const sessionRequired = () => new AppError(403, "session_required", "Log in with your password to do this; a personal access token cannot.");
/** `to` completes "cannot ...", e.g. "create projects". */
export const limitedToken = (to: string) =>
  new AppError(403, "forbidden", `This personal access token is limited (to one project, or to a role), so it cannot ${to}; use a token without limits, or log in.`);
export const notFound = (what: string) => new AppError(404, "not_found", `${what} was not found.`);
export const invalidToken = () => new AppError(400, "invalid_token", "This link is invalid, already used or expired; ask for a new one.");
export const wrongPassword = (field: string) => new AppError(400, "invalid_request", `${field}: the password is wrong`, [{ path: field, message: "the password is wrong" }]);
export const tooManyRequests = (retryAfterSeconds: number) =>
  new AppError(429, "too_many_requests", `Too many attempts; try again in ${retryAfterSeconds} seconds.`, { retryAfterSeconds }, { "Retry-After": String(retryAfterSeconds) });
