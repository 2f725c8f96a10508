/**
 * `npm run e2e` for real, as CI runs it: against the test run's local cluster (KUBECONFIG), with the
 * toolchain's Pulumi CLI. It must say PASSED and exit 0; NOT RUN (exit 2) would fail here.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { realPlatform } from "../portal/server/src/test-support/cluster.js";

const run = promisify(execFile);
const repo = fileURLToPath(new URL("..", import.meta.url));

describe.skipIf(!realPlatform)("npm run e2e", () => {
  it("deploys nginx through the portal and destroys it, against the local cluster", async () => {
    const { stdout } = await run("npm", ["run", "-s", "e2e"], { cwd: repo, env: { ...process.env, KUBECONFIG: realPlatform!.kubeconfig }, maxBuffer: 16 << 20 });
    expect(stdout).toMatch(/^e2e: deployed babyhelm-e2e-\w+\/web, 2 replicas available$/m);
    expect(stdout).toMatch(/^e2e: PASSED \(deployed and destroyed babyhelm-e2e-\w+\)$/m);
  }, 600_000);
});
