#!/usr/bin/env node
// In the BabyHelm repository the CLI runs from its TypeScript sources through tsx, so `npx babyhelm`
// works right after `npm ci` and never runs a stale build; an installed package runs its compiled JavaScript.
import { existsSync, readFileSync } from "node:fs";
import { createInterface } from "node:readline/promises";

const source = new URL("../src/cli.ts", import.meta.url);
const compiled = new URL("../dist/cli.js", import.meta.url);

async function loadCli() {
  if (existsSync(source)) {
    try {
      const { register } = await import("tsx/esm/api");
      register();
      return await import(source.href);
    } catch (error) {
      if (error?.code !== "ERR_MODULE_NOT_FOUND" || !existsSync(compiled)) throw error;
    }
  }
  return import(compiled.href);
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

/** A yes-or-no question on the terminal (apply's plan); none when standard input or error is not one. */
async function confirm(question) {
  const terminal = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await terminal.question(question)).trim());
  } finally {
    terminal.close();
  }
}

// `babyhelm render | head` closes the pipe early; that is not an error.
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const { runCli } = await loadCli();
process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readStdin,
  version,
  env: process.env,
  cwd: process.cwd(),
  confirm: process.stdin.isTTY && process.stderr.isTTY ? confirm : undefined,
});
