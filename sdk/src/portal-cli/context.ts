/**
 * What every portal command shares: its input and output, the connection to the portal (environment
 * first, then the config file), and how failures become messages and exit statuses. Exit 0 success, 1 an
 * API error or a spec that cannot be applied, 2 wrong usage (including no portal configured).
 */
import { resolve } from "node:path";
import type { CliIo } from "../cli.js";
import { fetchTransport, PortalApiError, PortalClient, type FetchTransportOptions } from "../api/index.js";
import { normalizeUrl, readConfig, TOKEN_VARIABLE, URL_VARIABLE, type Environment, type PortalConfig } from "./config.js";
import { UsageError } from "./errors.js";

export interface Connection {
  url: string;
  /** Where the URL came from, for messages: "BABYHELM_URL" or the config file. */
  urlFrom: string;
  tokenFrom: string;
  client: PortalClient;
  /** For requests the typed client does not make (event streams). */
  transport: FetchTransportOptions;
}

export interface CommandContext {
  io: CliIo;
  env: Environment;
  cwd: string;
  /** Writes a line to standard output. */
  out(line: string): void;
  /** Writes a line to standard error. */
  err(line: string): void;
  /** A path as the user gave it, resolved against the working directory. */
  path(file: string): string;
  /** The portal from BABYHELM_URL / BABYHELM_TOKEN or the config file; a usage error names the fix when either is missing. */
  connect(): Promise<Connection>;
  /** The connection connect() made, if it was called. */
  readonly connection: Connection | undefined;
}

export function commandContext(io: CliIo): CommandContext {
  const env = io.env ?? process.env;
  const cwd = io.cwd ?? process.cwd();
  let connection: Connection | undefined;
  return {
    io,
    env,
    cwd,
    out: (line) => io.stdout(`${line}\n`),
    err: (line) => io.stderr(`${line}\n`),
    path: (file) => resolve(cwd, file),
    async connect() {
      const envUrl = env[URL_VARIABLE];
      const envToken = env[TOKEN_VARIABLE];
      // With both variables set the file is not read: a broken or foreign one does not stand in the way.
      const { path, config, warning } = envUrl && envToken ? { path: "", config: {} as PortalConfig, warning: undefined } : await readConfig(env);
      if (warning) io.stderr(`babyhelm: ${warning}\n`);
      const rawUrl = envUrl || config.url;
      const token = envToken || config.token;
      if (!rawUrl && !token) {
        throw new UsageError(`no portal configured: run babyhelm login --url URL --token - (the token on standard input), or set ${URL_VARIABLE} and ${TOKEN_VARIABLE}`);
      }
      if (!rawUrl) throw new UsageError(`no portal URL configured: set ${URL_VARIABLE}, or run babyhelm login --url URL`);
      if (!token) throw new UsageError(`no token configured: set ${TOKEN_VARIABLE}, or run babyhelm login --token - (a personal access token from the portal's account page)`);
      const urlFrom = envUrl ? URL_VARIABLE : path;
      const url = normalizeUrl(rawUrl, urlFrom);
      const transport: FetchTransportOptions = { baseUrl: url, token, ...(io.fetch ? { fetch: io.fetch } : {}) };
      connection = { url, urlFrom, tokenFrom: envToken ? TOKEN_VARIABLE : path, client: new PortalClient(fetchTransport(transport)), transport };
      return connection;
    },
    get connection() {
      return connection;
    },
  };
}

/** The lines that explain an error of a portal request: the portal's own message, and for invalid_request each field. */
export function apiErrorLines(error: PortalApiError, connection?: Pick<Connection, "tokenFrom">): string[] {
  if (error.code === "invalid_request" && error.fields.length > 0) {
    return [`the portal refused the request (${error.status} ${error.code}):`, ...error.fields.map((field) => `  ${field.path}: ${field.message}`)];
  }
  const from = connection ? ` (the token came from ${connection.tokenFrom})` : "";
  const hint = error.status === 401 ? `; run babyhelm login with a valid token, or set ${TOKEN_VARIABLE}${from}` : "";
  // The sentence's full stop gives way to the status (an ellipsis stays).
  return [`${error.message.replace(/(?<!\.)\.$/, "")} (${error.status} ${error.code})${hint}`];
}

/** A failed fetch (refused connection, DNS, timeout) in words that name what to check. */
export function networkErrorLine(error: unknown, connection?: Pick<Connection, "url" | "urlFrom">): string | undefined {
  const name = (error as { name?: string } | undefined)?.name;
  const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  const where = connection ? `the portal at ${connection.url} (from ${connection.urlFrom})` : "the portal";
  if (name === "TimeoutError") return `${where} did not answer in time; check that it runs and try again`;
  if (error instanceof TypeError && error.message === "fetch failed") {
    return `cannot reach ${where}: ${cause?.code ?? cause?.message ?? "the connection failed"}; check the address and that the portal runs`;
  }
  return undefined;
}

/** One portal command: its name, its line in the overview, its usage, and what it does. */
export interface PortalCommand {
  name: string;
  /** `babyhelm NAME [options]`, for the overview of every command. */
  synopsis: string;
  /** What it does, in a few words, beside the synopsis. */
  summary: string;
  /** Shown by `babyhelm NAME --help` and after a usage error. */
  usage: string;
  run(args: string[], context: CommandContext): Promise<number>;
}
