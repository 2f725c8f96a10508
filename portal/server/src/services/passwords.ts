import bcrypt from "bcrypt";

export const MIN_PASSWORD_LENGTH = 10;
/** bcrypt reads only the first 72 bytes; longer passwords are refused rather than silently cut. */
export const MAX_PASSWORD_BYTES = 72;

/** Why `password` may not be used by the account `email`, or undefined. Never repeats the password. */
export function passwordProblem(password: string, email: string): string | undefined {
  if ([...password].length < MIN_PASSWORD_LENGTH) return `must be at least ${MIN_PASSWORD_LENGTH} characters`;
  // bcrypt stops at a NUL byte: "\u0000..." would be the empty password.
  if (/\p{Cc}/u.test(password)) return "must not contain control characters";
  if (Buffer.byteLength(password, "utf8") > MAX_PASSWORD_BYTES) {
    return `is longer than ${MAX_PASSWORD_BYTES} bytes, the most bcrypt can use; choose a shorter one (accented letters and emoji take 2 to 4 bytes each)`;
  }
  if (password.trim().toLowerCase() === email.trim().toLowerCase()) return "must not be your e-mail address";
  return undefined;
}

export class Passwords {
  private dummyHash?: Promise<string>;

  constructor(private readonly rounds: number) {}

  /** Runs on libuv's thread pool: the event loop stays free while bcrypt works. */
  hash(password: string): Promise<string> {
    return bcrypt.hash(password, this.rounds);
  }

  verify(password: string, hash: string): Promise<boolean> {
    return bcrypt.compare(password, hash);
  }

  /** Spends the time of a real check, so an unknown e-mail cannot be told from a wrong password by timing. */
  async verifyNothing(password: string): Promise<false> {
    this.dummyHash ??= bcrypt.hash("babyhelm-timing-equaliser", this.rounds);
    await bcrypt.compare(password, await this.dummyHash);
    return false;
  }
}
