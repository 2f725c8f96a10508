/**
 * What killed test runs and benches left in the system temp dir: entries with BabyHelm's own prefix only,
 * and only when nothing has touched them for hours (no run lasts that long), so a run going on beside
 * this one, in another checkout, keeps its files.
 */
import { readdirSync, rmSync, statSync } from "node:fs";
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
