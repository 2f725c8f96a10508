import bcrypt from "bcrypt";

// The rules live in the API contract, so the web app and the CLI can say them before sending.
export { MAX_PASSWORD_BYTES, MIN_PASSWORD_LENGTH, passwordProblem } from "@babyhelm/sdk/api";

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
