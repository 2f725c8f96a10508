import { fileURLToPath } from "node:url";
import vue from "@vitejs/plugin-vue";
import { defineConfig } from "vitest/config";

export default defineConfig({
  // Page and component specs import .vue files.
  plugins: [vue()],
  resolve: {
    // Tests run the sources of every workspace, never a stale build.
    alias: [
      { find: /^@babyhelm\/sdk$/, replacement: fileURLToPath(new URL("./sdk/src/index.ts", import.meta.url)) },
      { find: /^@babyhelm\/sdk\/(api|spec)$/, replacement: fileURLToPath(new URL("./sdk/src/$1/index.ts", import.meta.url)) },
    ],
  },
  test: {
    include: ["**/src/**/*.test.ts", "test/**/*.test.ts", "portal/web/e2e/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/dist/**"],
    globalSetup: ["portal/server/src/test-support/global-setup.ts"],
    // Each file gets a temp dir of its own and fails when it leaves files there or processes running.
    setupFiles: ["portal/server/src/test-support/file-sandbox.ts"],
    // Most of the run waits on processes (the Pulumi engine, the cluster, browsers), not the CPU: with
    // vitest's default on 2 cores (one file at a time) CI took over 20 minutes.
    maxWorkers: 3,
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
