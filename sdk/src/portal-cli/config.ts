/**
 * Where the portal commands find the portal: `BABYHELM_URL` and `BABYHELM_TOKEN`, else the file `babyhelm
 * login` writes, `$XDG_CONFIG_HOME/babyhelm/config.json` (default `~/.config/babyhelm/config.json`). The
 * file holds the URL and the token and nothing else; it is written with mode 0600 in a directory of mode
 * 0700, because the token acts as its user.
 */
import { chmod, mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import { UsageError } from "./errors.js";

export type Environment = Record<string, string | undefined>;

export interface PortalConfig {
  /** The portal's address, e.g. https://portal.example.com. */
  url?: string;
  /** A personal access token. */
  token?: string;
}

export const URL_VARIABLE = "BABYHELM_URL";
export const TOKEN_VARIABLE = "BABYHELM_TOKEN";

/** The config file's path: XDG_CONFIG_HOME when it is absolute (as the XDG spec says), else HOME/.config. */
export function configPath(env: Environment): string {
  const xdg = env.XDG_CONFIG_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, "babyhelm", "config.json");
  const home = env.HOME || homedir();
  if (!home) throw new UsageError("cannot tell where the config file goes: set HOME (or XDG_CONFIG_HOME), or set BABYHELM_URL and BABYHELM_TOKEN");
  return join(home, ".config", "babyhelm", "config.json");
}

export interface LoadedConfig {
  path: string;
  config: PortalConfig;
  /** Something to tell the user about the file (it is readable by others). */
  warning?: string;
}

export async function readConfig(env: Environment): Promise<LoadedConfig> {
  const path = configPath(env);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { path, config: {} };
    throw new UsageError(`cannot read ${path}: ${(error as Error).message}; fix its permissions or run babyhelm login again`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UsageError(`${path} is not valid JSON: fix it, or run babyhelm login again (it rewrites the file)`);
  }
  const record = (typeof parsed === "object" && parsed !== null ? parsed : {}) as Record<string, unknown>;
  const config: PortalConfig = {};
  if (typeof record.url === "string") config.url = record.url;
  if (typeof record.token === "string") config.token = record.token;
  const mode = (await stat(path)).mode & 0o777;
  const warning =
    config.token && mode & 0o077 ? `warning: ${path} holds a token and is readable by others (mode ${mode.toString(8).padStart(4, "0")}); run chmod 600 ${path}` : undefined;
  return { path, config, ...(warning ? { warning } : {}) };
}

/** Writes the config: the directory made 0700, the file 0600 (also when it existed with another mode). */
export async function writeConfig(env: Environment, config: PortalConfig): Promise<string> {
  const path = configPath(env);
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  // Written beside it, then renamed: a reader never sees half a file, and the mode is right from the start.
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify({ url: config.url, token: config.token }, null, 2)}\n`, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, path);
  return path;
}

/** The portal's address as given: http(s), without a trailing slash; anything else is a usage error. */
export function normalizeUrl(text: string, from: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${from} is not a URL; give the portal's address, such as https://portal.example.com`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new UsageError(`${from} is not an http or https URL; give the portal's address, such as https://portal.example.com`);
  if (url.username || url.password) throw new UsageError(`${from} must not hold a user name or password; the token authenticates (babyhelm login --token -)`);
  return url.toString().replace(/\/+$/, "");
}
