/** Exit statuses and the two failures every portal command may end with. */

export const EXIT_OK = 0;
/** An API error, or a spec or input that cannot be applied. */
export const EXIT_FAILED = 1;
/** Wrong usage, including no portal configured. */
export const EXIT_USAGE = 2;

/** Wrong usage (exit 2); the command's usage follows the message when `showUsage`. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly showUsage = false,
  ) {
    super(message);
    this.name = "UsageError";
  }
}

/** A failure that has been explained (exit 1): these lines go to standard error as they are. */
export class CommandFailed extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join("\n"));
    this.name = "CommandFailed";
  }
}
