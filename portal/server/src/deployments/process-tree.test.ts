import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { isAlive as alive } from "../test-support/process.js";
import { describe, expect, it } from "vitest";
import { descendants, killTree } from "./process-tree.js";

describe("killing an engine's process tree", () => {
  it("reaches grandchildren in process groups of their own, as Pulumi starts its plugins", async () => {
    // A parent whose child starts a grandchild in a new session (so a new process group), like a plugin.
    const root = spawn("sh", ["-c", "setsid sleep 300 & sleep 300 & wait"], { detached: true, stdio: "ignore" });
    let tree: number[] = [];
    for (let attempt = 0; attempt < 50 && tree.length < 2; attempt++) {
      await sleep(100);
      tree = descendants(root.pid!);
    }
    expect(tree).toHaveLength(2);
    const groups = tree.map((pid) => readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")[2]);
    expect(new Set(groups).size).toBe(2); // one of them outside the root's group

    killTree(root.pid!);
    await new Promise((resolve) => (root.exitCode !== null || root.signalCode !== null ? resolve(undefined) : root.once("exit", resolve)));
    for (let attempt = 0; attempt < 50 && tree.some(alive); attempt++) await sleep(100);
    expect(tree.filter(alive)).toEqual([]);
  });
});
