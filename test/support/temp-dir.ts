/**
 * Scratch directories for tests, removed when the test file that made them ends (pass or fail): each
 * file's check (portal/server/src/test-support/file-sandbox.ts) fails a file that leaves any behind.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";

const made = new Set<string>();

// Imported once per test file (vitest isolates files), so this runs after that file's tests.
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
  made.clear();
});

/** A new directory `babyhelm-<purpose>-*` in the temp dir, removed at the end of the test file. */
export function tempDir(purpose: string): string {
  const dir = mkdtempSync(join(tmpdir(), `babyhelm-${purpose}-`));
  made.add(dir);
  return dir;
}
