import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { clearFileBackendLock } from "./pulumi-engine.js";
import { tempDir } from "../../../../test/support/temp-dir.js";

describe("clearing a stack lock left by an interrupted run", () => {
  it("removes the lock of that stack in a file backend, in either lock layout, and nothing else", () => {
    const backend = tempDir("backend");
    const lock = (...parts: string[]) => {
      const dir = join(backend, ".pulumi", "locks", ...parts);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "0a1b.json"), "{}");
      return dir;
    };
    const projectScoped = lock("organization", "babyhelm-project", "shop");
    const legacy = lock("shop");
    const other = lock("organization", "babyhelm-project", "blog");
    const checkpoint = join(backend, ".pulumi", "stacks", "babyhelm-project", "shop.json");
    mkdirSync(join(checkpoint, ".."), { recursive: true });
    writeFileSync(checkpoint, "{}");

    clearFileBackendLock(pathToFileURL(backend).href, "shop");

    expect(existsSync(projectScoped)).toBe(false);
    expect(existsSync(legacy)).toBe(false);
    expect(existsSync(other)).toBe(true);
    expect(existsSync(checkpoint)).toBe(true);
  });

  it("leaves other backends alone", () => {
    expect(() => clearFileBackendLock("s3://bucket/state", "shop")).not.toThrow();
    expect(() => clearFileBackendLock(undefined, "shop")).not.toThrow();
  });
});
