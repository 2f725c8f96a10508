/**
 * The portal commands of the `babyhelm` bin: one module per command, this table, and one place that turns
 * failures into messages and exit statuses (0 success, 1 API error or a spec that cannot be applied,
 * 2 wrong usage). No message ever holds the token or a secret value.
 */
import type { CliIo } from "../cli.js";
import { PortalApiError } from "../api/index.js";
import { apply } from "./apply.js";
import { apiErrorLines, commandContext, networkErrorLine, type PortalCommand } from "./context.js";
import { deploy } from "./deploy.js";
import { CommandFailed, EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError } from "./errors.js";
import { exportProject } from "./export.js";
import { login } from "./login.js";
import { projects } from "./projects.js";
import { setImage } from "./set-image.js";
import { status } from "./status.js";

const COMMANDS: readonly PortalCommand[] = [login, projects, apply, deploy, setImage, status, exportProject];

export const PORTAL_COMMANDS: readonly string[] = COMMANDS.map((command) => command.name);

/** The portal commands' part of `babyhelm --help`. */
export function portalUsage(): string {
  // A long synopsis gets its summary on the next line, so the overview stays about 100 columns wide.
  const width = 42;
  const line = (command: PortalCommand) =>
    command.synopsis.length <= width
      ? `  ${command.synopsis.padEnd(width)}  ${command.summary}`
      : `  ${command.synopsis}
  ${"".padEnd(width)}  ${command.summary}`;
  return `Portal commands (the portal and token from babyhelm login, or BABYHELM_URL and BABYHELM_TOKEN;
a project is named by the positional PROJECT, apply takes it from the spec's name):
${COMMANDS.map(line).join("\n")}
Run babyhelm COMMAND --help for a command's options.
`;
}

/** Runs a portal command; `argv` starts with its name. */
export async function runPortalCli(argv: string[], io: CliIo): Promise<number> {
  const command = COMMANDS.find((candidate) => candidate.name === argv[0]);
  if (!command) throw new Error(`not a portal command: ${argv[0]}`);
  const args = argv.slice(1);
  if (args.includes("--help") || args.includes("-h")) {
    io.stdout(command.usage);
    return EXIT_OK;
  }
  const context = commandContext(io);
  const prefix = `babyhelm ${command.name}`;
  try {
    return await command.run(args, context);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`${prefix}: ${error.message}\n${error.showUsage ? `\n${command.usage}` : ""}`);
      return EXIT_USAGE;
    }
    if (error instanceof CommandFailed) {
      io.stderr(error.lines.map((line) => `${line}\n`).join(""));
      return EXIT_FAILED;
    }
    if (error instanceof PortalApiError) {
      const [first, ...rest] = apiErrorLines(error, context.connection);
      io.stderr([`${prefix}: ${first}`, ...rest].map((line) => `${line}\n`).join(""));
      return EXIT_FAILED;
    }
    io.stderr(`${prefix}: ${networkErrorLine(error, context.connection) ?? (error as Error).message}\n`);
    return EXIT_FAILED;
  }
}
