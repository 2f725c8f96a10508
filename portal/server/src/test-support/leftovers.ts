/**
 * What killed test runs and benches left in the system temp dir: entries with BabyHelm's own prefix only,
 * and only when nothing has touched them for hours (no run lasts that long), so a run going on beside
 * this one, in another checkout, keeps its files.
 */
import { readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const OWNED_PREFIX = "babyhelm-";
export const STALE_AFTER_MS = 6 * 3600_000;

export function removeStaleLeftovers(now = Date.now(), directory = tmpdir()): { removed: number } {
  let removed = 0;
  for (const name of readdirSync(directory)) {
    if (!name.startsWith(OWNED_PREFIX)) continue;
    const path = join(directory, name);
    try {
      if (now - statSync(path).mtimeMs < STALE_AFTER_MS) continue;
      rmSync(path, { recursive: true, force: true });
      removed += 1;
    } catch {
      // Gone meanwhile, or not ours to remove (another user's): left alone.
    }
  }
  return { removed };
}

export interface LiveProcess {
  pid: number;
  command: string;
}

/**
 * Processes whose environment holds `name=value`: every process a test file started, directly or through
 * others (an embedded PostgreSQL, a Pulumi plugin, a grandchild re-parented to init), inherits the file's
 * own TMPDIR, while nothing else on the machine has it. /proc's environ is the one a process started with.
 */
export function processesWithEnvironment(name: string, value: string, exceptPid = process.pid): LiveProcess[] {
  const wanted = `${name}=${value}`;
  const found: LiveProcess[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === exceptPid) continue;
    try {
      const environment = readFileSync(`/proc/${entry}/environ`, "utf8").split("\0");
      if (!environment.includes(wanted)) continue;
      // A zombie has exited: its parent has not reaped it yet, and it holds nothing.
      if (/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${entry}/stat`, "utf8"))) continue;
      found.push({ pid: Number(entry), command: readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").join(" ").trim().slice(0, 200) });
    } catch {
      // Gone meanwhile, or not readable: not one of ours.
    }
  }
  return found;
}
