import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { processesWithEnvironment, removeStaleLeftovers, STALE_AFTER_MS } from "./leftovers.js";

describe("leftovers of killed runs", () => {
  const root = mkdtempSync(join(tmpdir(), "leftovers-test-"));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("removes only BabyHelm's own entries, and only those untouched for hours", () => {
    const now = Date.now();
    const old = (now - STALE_AFTER_MS - 60_000) / 1000;
    for (const name of ["babyhelm-portal-old", "babyhelm-portal-new", "someone-elses-old"]) {
      mkdirSync(join(root, name));
      writeFileSync(join(root, name, "file"), "x");
    }
    writeFileSync(join(root, "babyhelm-old-file"), "x");
    for (const name of ["babyhelm-portal-old", "someone-elses-old", "babyhelm-old-file"]) utimesSync(join(root, name), old, old);
    expect(removeStaleLeftovers(now, root)).toEqual({ removed: 2 });
    expect(readdirSync(root).sort()).toEqual(["babyhelm-portal-new", "someone-elses-old"]);
  });
});

describe("processes a test file started", () => {
  it("are found by the TMPDIR they inherited, also a grandchild whose parent has exited, and are gone once stopped", async () => {
    const marker = `/nonexistent/babyhelm-marker-${process.pid}-${Date.now()}`;
    // The shell starts a sleep in the background and exits: the sleep is re-parented, out of this process's tree.
    const shell = spawn("sh", ["-c", "sleep 30 & echo $!"], { env: { ...process.env, TMPDIR: marker }, stdio: ["ignore", "pipe", "ignore"] });
    const grandchild = Number((await new Promise<string>((resolve) => shell.stdout.once("data", (data: Buffer) => resolve(data.toString())))).trim());
    await new Promise((resolve) => shell.once("exit", resolve));
    expect(processesWithEnvironment("TMPDIR", marker).map((found) => found.pid)).toEqual([grandchild]);
    expect(processesWithEnvironment("TMPDIR", marker)[0]!.command).toBe("sleep 30");
    process.kill(grandchild, "SIGKILL");
    for (const deadline = Date.now() + 5000; processesWithEnvironment("TMPDIR", marker).length > 0 && Date.now() < deadline;)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(processesWithEnvironment("TMPDIR", marker)).toEqual([]);
  });
});
