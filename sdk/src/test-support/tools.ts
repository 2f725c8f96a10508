/**
 * Real tools from Debian's packages (promtool, prometheus, chromium). Where one is missing, a test skips
 * with the reason, except under CI (`CI=true`), where a missing tool fails the test instead.
 */
import { execFile } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export function findExecutable(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

export const IN_CI = process.env.CI === "true" || process.env.CI === "1";

/** The tool's path; throws in CI when it is missing, returns undefined (skip) elsewhere. */
export function requiredTool(name: string, debianPackage: string): string | undefined {
  const path = findExecutable(name);
  if (!path && IN_CI) throw new Error(`${name} is missing: CI must install it (apt-get install -y ${debianPackage})`);
  if (!path) console.warn(`skipping tests that need ${name}: install it with apt-get install -y ${debianPackage}`);
  return path;
}

/** Runs promtool; resolves with its output, rejects with its output on failure. */
export async function promtool(path: string, args: string[], cwd: string): Promise<string> {
  try {
    const { stdout, stderr } = await run(path, args, { cwd, maxBuffer: 16 << 20 });
    return stdout + stderr;
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`promtool ${args.join(" ")} failed:\n${failure.stdout ?? ""}${failure.stderr ?? failure.message}`, { cause: error });
  }
}
