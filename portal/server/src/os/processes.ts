/**
 * What the operating system says about a process, read from /proc (Linux): whether it still runs, when it
 * started (so a pid reused by another process is told apart), its command line and working directory.
 * Where /proc is missing (macOS), only `kill(pid, 0)` can say whether a pid is in use.
 */
import { existsSync, readFileSync, readlinkSync } from "node:fs";
import { hostname } from "node:os";

export type ProcessLook =
  | { alive: false }
  | {
      alive: true;
      /** Its parent's pid, where /proc says. */
      parent?: number;
      /** Clock ticks after boot at which it started (field 22 of /proc/<pid>/stat), where /proc says. */
      startTicks?: string;
      /** argv, where readable. */
      command?: string[];
      /** Its working directory, where readable (not for another user's process unless root). */
      cwd?: string;
    };

const HAS_PROC = existsSync("/proc/self/stat");

function read(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses): state first. */
function statFields(pid: number | "self"): string[] | undefined {
  const stat = read(`/proc/${pid}/stat`);
  return stat === undefined ? undefined : stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

export function inspectProcess(pid: number): ProcessLook {
  if (!HAS_PROC) {
    try {
      process.kill(pid, 0);
      return { alive: true };
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === "EPERM" ? { alive: true } : { alive: false };
    }
  }
  const fields = statFields(pid);
  // Gone, or a zombie: it has exited, its parent just has not reaped it yet.
  if (!fields || fields[0] === "Z" || fields[0] === "X") return { alive: false };
  const cmdline = read(`/proc/${pid}/cmdline`);
  let cwd: string | undefined;
  try {
    cwd = readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    cwd = undefined;
  }
  return {
    alive: true,
    parent: Number(fields[1]),
    startTicks: fields[19],
    command: cmdline === undefined ? undefined : cmdline.split("\0").filter((argument) => argument !== ""),
    cwd,
  };
}

/** This process's start time in clock ticks after boot, where /proc says. */
export function ownStartTicks(): string | undefined {
  return HAS_PROC ? statFields("self")?.[19] : undefined;
}

/**
 * Names the pid space this process lives in: the host, its boot, and the pid namespace (a container has
 * its own). Two processes with the same name see the same pids, so one can tell by its pid and start time
 * whether the other still runs. Undefined where /proc cannot say.
 */
export function processSpace(): string | undefined {
  if (!HAS_PROC) return undefined;
  const boot = read("/proc/sys/kernel/random/boot_id")?.trim();
  let namespace: string;
  try {
    namespace = readlinkSync("/proc/self/ns/pid");
  } catch {
    return undefined;
  }
  return boot ? `${hostname()}/${boot}/${namespace}` : undefined;
}

/** Whether `pid` still runs the process that started at `startTicks` (undefined: can't tell from here). */
export function stillRuns(pid: number, startTicks: string | null): boolean | undefined {
  const look = inspectProcess(pid);
  if (!look.alive) return false;
  if (!startTicks || look.startTicks === undefined) return undefined;
  return look.startTicks === startTicks;
}
