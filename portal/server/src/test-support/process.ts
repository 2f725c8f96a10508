/** The portal as a process of its own, as `npm start` runs it. */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));

export interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; ms: number }>;
}

export function startMain(env: Record<string, string>): Started {
  const child = spawn(process.execPath, ["--conditions=@babyhelm/source", "--import", "tsx", MAIN], {
    env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? "/tmp", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  let signalledAt = 0;
  const kill = child.kill.bind(child);
  child.kill = (signal) => {
    signalledAt = performance.now();
    return kill(signal);
  };
  const exited = new Promise<{ code: number | null; ms: number }>((resolve) =>
    child.on("exit", (code) => resolve({ code, ms: signalledAt ? performance.now() - signalledAt : 0 })),
  );
  return { child, output: () => output, exited };
}

export async function waitForOutput(started: Started, text: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!started.output().includes(text)) {
    if (Date.now() > deadline) throw new Error(`"${text}" did not appear; output:\n${started.output()}`);
    if (started.child.exitCode !== null) throw new Error(`the portal exited early:\n${started.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Running, not gone and not a zombie waiting for whoever inherited it to reap it. */
export function isAlive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}
