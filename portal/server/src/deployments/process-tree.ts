/**
 * Stopping an engine and everything it started. The Pulumi CLI starts each plugin in a process group of
 * its own, so a signal to the engine's group never reaches the Kubernetes provider; and once the CLI is
 * gone, its plugins belong to init and can no longer be found from the engine. So the whole tree is
 * listed from /proc while it is still intact, then every process in it is killed at once.
 */
import { readdirSync, readFileSync } from "node:fs";

/** The pids below `root` (children, their children, ...), from /proc; [] where /proc cannot be read. */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = readdirSync("/proc").filter((entry) => /^\d+$/.test(entry));
  } catch {
    return [];
  }
  for (const entry of entries) {
    try {
      // The command name may hold spaces and parentheses: the fields after its closing parenthesis are safe.
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** SIGKILL to every process below `root`, then its process group and itself (which may be this process). */
export function killTree(root: number): void {
  const pids = descendants(root);
  for (const target of [...pids, -root, root]) {
    try {
      process.kill(target, "SIGKILL");
    } catch {
      // already gone, or no such group
    }
  }
}
