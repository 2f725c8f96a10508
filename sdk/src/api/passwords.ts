/** The rules for a new password: the server enforces them, the web app and CLI can say them before sending. */
export const MIN_PASSWORD_LENGTH = 10;
/** bcrypt uses the first 72 bytes of a password and ignores the rest. */
export const MAX_PASSWORD_BYTES = 72;

/** Why `password` cannot be a new password of the account `email`, or undefined when it can. */
export function passwordProblem(password: string, email: string): string | undefined {
  if ([...password].length < MIN_PASSWORD_LENGTH) return `must be at least ${MIN_PASSWORD_LENGTH} characters long`;
  // bcrypt stops at a NUL byte: "\u0000..." would be the empty password.
  if (/\p{Cc}/u.test(password)) return "must not contain control characters";
  if (new TextEncoder().encode(password).length > MAX_PASSWORD_BYTES) {
    return `is longer than ${MAX_PASSWORD_BYTES} bytes, the most bcrypt can use; choose a shorter one (accented letters and emoji take 2 to 4 bytes each)`;
  }
  if (password.trim().toLowerCase() === email.trim().toLowerCase()) return "must not be your e-mail address";
  return undefined;
}
