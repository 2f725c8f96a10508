/**
 * Every test file's own temporary directory and its check (a vitest setup file). The file's TMPDIR points
 * into a fresh `babyhelm-file-*` directory, so whatever it and the processes it starts create with the
 * system temp dir lands there; after its last test (this file's afterAll runs after the test file's own),
 * the directory must be empty and no process started by the file may still run. A file that leaves either
 * fails, naming what it left; then both are removed, so one leak does not spread to the machine.
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { OWNED_PREFIX, processesWithEnvironment } from "./leftovers.js";

/** Processes get this long to finish exiting after a file's own clean-up returned. */
const EXIT_GRACE_MS = 5000;

const systemTemp = tmpdir();
const fileTemp = mkdtempSync(join(systemTemp, `${OWNED_PREFIX}file-`));
// As open as the system temp dir: an embedded PostgreSQL runs as `postgres` and must reach its data dir.
chmodSync(fileTemp, 0o1777);
// tsx keeps its compile cache in the temp dir, one per user, reused by every run: shared, not a file's own.
const TSX_CACHE = `tsx-${process.getuid?.() ?? 0}`;
mkdirSync(join(systemTemp, TSX_CACHE), { recursive: true, mode: 0o700 });
symlinkSync(join(systemTemp, TSX_CACHE), join(fileTemp, TSX_CACHE));
process.env.TMPDIR = fileTemp;

afterAll(async () => {
  let processes = processesWithEnvironment("TMPDIR", fileTemp);
  for (const deadline = Date.now() + EXIT_GRACE_MS; processes.length > 0 && Date.now() < deadline;) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    processes = processesWithEnvironment("TMPDIR", fileTemp);
  }
  const entries = readdirSync(fileTemp).filter((entry) => entry !== TSX_CACHE);
  for (const { pid } of processes) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Exited meanwhile.
    }
  }
  process.env.TMPDIR = systemTemp;
  rmSync(fileTemp, { recursive: true, force: true });
  const problems = [
    ...(entries.length > 0 ? [`left in its temp dir: ${entries.join(", ")}`] : []),
    ...(processes.length > 0 ? [`left running: ${processes.map((found) => `${found.pid} ${found.command}`).join("; ")}`] : []),
  ];
  if (problems.length > 0)
    throw new Error(`This test file does not clean up after itself (remove what it makes, stop what it starts, also when a test fails): ${problems.join("; ")}`);
}, 30_000);
