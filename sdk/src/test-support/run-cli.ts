import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const BABYHELM_BIN = fileURLToPath(new URL("../../bin/babyhelm.js", import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `babyhelm` executable, as a user's shell would; `env` replaces the environment when given. */
export function runBabyhelm(args: string[], options: { stdin?: string; cwd?: string; bin?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [options.bin ?? BABYHELM_BIN, ...args], { cwd: options.cwd, env: options.env, stdio: "pipe" });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? "");
  });
}
