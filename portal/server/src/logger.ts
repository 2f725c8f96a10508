import pino, { type DestinationStream, type Logger } from "pino";
import type { Config } from "./config.js";

/**
 * Paths pino blanks out wherever they appear in a log record: credentials in headers, and any field that
 * could hold a password, a token or a secret value.
 */
export const REDACTED_PATHS = [
  "req.headers.cookie",
  "req.headers.authorization",
  'res.headers["set-cookie"]',
  "password",
  "currentPassword",
  "newPassword",
  "token",
  "secretEnv",
  "*.password",
  "*.currentPassword",
  "*.newPassword",
  "*.token",
  "*.secretEnv",
  "*.passwordHash",
];

/**
 * JSON lines on stdout. Written asynchronously (buffered, flushed on exit): a synchronous write per line
 * would put every request behind the terminal or the log collector.
 */
export function createLogger(config: Pick<Config, "logLevel">, destination?: DestinationStream): Logger {
  return pino({ level: config.logLevel, redact: { paths: REDACTED_PATHS, censor: "[redacted]" } }, destination ?? pino.destination({ sync: false }));
}
