import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { removeStaleLeftovers, STALE_AFTER_MS } from "./leftovers.js";

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
