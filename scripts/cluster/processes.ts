/**
 * The cluster's components as child processes: each logs to `<data dir>/logs/<name>.log` and is recorded
 * in `<data dir>/pids/<name>.pid`, so a later start on the same data directory can find what a killed
 * launcher left running. A recorded process is only ever stopped when its command line still names that
 * data directory (a recycled pid belongs to a stranger).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export interface Component {
  name: string;
  child: ChildProcess;
  logFile: string;
  exited: Promise<number | null>;
}

export function startComponent(dataDir: string, name: string, binary: string, args: string[]): Component {
  const logs = join(dataDir, "logs");
  const pids = join(dataDir, "pids");
  mkdirSync(logs, { recursive: true });
  mkdirSync(pids, { recursive: true });
  const logFile = join(logs, `${name}.log`);
  const log = openSync(logFile, "a");
  const child = spawn(binary, args, { cwd: dataDir, stdio: ["ignore", log, log] });
  closeSync(log);
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code, signal) => resolve(code ?? (signal ? -1 : null)));
    child.once("error", () => resolve(-1));
  });
  if (child.pid !== undefined) writeFileSync(join(pids, `${name}.pid`), `${child.pid}\n`);
  return { name, child, logFile, exited };
}

/** SIGTERM, then SIGKILL after the grace period; resolves when the process is gone. */
export async function stopComponent(component: Component, graceMs = 10_000): Promise<void> {
  const { child } = component;
  if (child.exitCode === null && child.signalCode === null) {
    child.kill("SIGTERM");
    const killed = setTimeout(() => child.kill("SIGKILL"), graceMs);
    await component.exited;
    clearTimeout(killed);
  }
  rmSync(join(component.logFile, "..", "..", "pids", `${component.name}.pid`), { force: true });
}

/** Stops processes an earlier launcher on this data directory left behind; returns their names. */
export async function stopLeftovers(dataDir: string): Promise<string[]> {
  const pids = join(dataDir, "pids");
  if (!existsSync(pids)) return [];
  const stopped: string[] = [];
  for (const file of readdirSync(pids)) {
    const pid = Number(readFileSync(join(pids, file), "utf8").trim());
    const name = file.replace(/\.pid$/, "");
    if (Number.isInteger(pid) && pid > 1 && belongsTo(pid, dataDir)) {
      await terminate(pid);
      stopped.push(`${name} (pid ${pid})`);
    }
    rmSync(join(pids, file), { force: true });
  }
  return stopped;
}

function belongsTo(pid: number, dataDir: string): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    return cmdline.some((arg) => arg.includes(dataDir));
  } catch {
    return false; // gone already
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function terminate(pid: number): Promise<void> {
  process.kill(pid, "SIGTERM");
  for (let waited = 0; waited < 10_000 && alive(pid); waited += 100) await sleep(100);
  if (alive(pid)) process.kill(pid, "SIGKILL");
  for (let waited = 0; waited < 5_000 && alive(pid); waited += 100) await sleep(100);
}

/** A loopback port nobody listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Whether a loopback port can be listened on. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** The last lines of a component's log, for error messages. */
export function logTail(component: Component, lines = 15): string {
  try {
    return readFileSync(component.logFile, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}
