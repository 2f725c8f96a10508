/**
 * `npm run toolchain` as a developer meets it: a failed build names the module, the version and shows Go's
 * own error; with the toolchain built, a second run reuses every tool and builds nothing.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { realPlatform } from "../portal/server/src/test-support/cluster.js";
import { findExecutable } from "../sdk/src/test-support/tools.js";
import { moduleVersion, toolVersion, tools } from "../toolchain/tools.mjs";

const run = promisify(execFile);
const build = fileURLToPath(new URL("../toolchain/build.mjs", import.meta.url));
const emptyHome = mkdtempSync(join(tmpdir(), "babyhelm-toolchain-test-"));

afterAll(() => rmSync(emptyHome, { recursive: true, force: true }));

describe("npm run toolchain", () => {
  it("pins every tool in its wrapper module, and names pseudo-versions by their release", () => {
    for (const tool of tools) expect(moduleVersion(tool), tool.name).toMatch(/^v\d+\.\d+\.\d+/);
    const provider = tools.find((tool) => tool.name === "pulumi-resource-kubernetes")!;
    expect(moduleVersion(provider)).toMatch(/^v4\.0\.0-\d{14}-[0-9a-f]{12}$/);
    expect(toolVersion(provider)).toBe("v4.25.0");
  });

  it.skipIf(!findExecutable("go"))(
    "fails with the module, the version and Go's own error when a build fails",
    async () => {
      // Nothing can be downloaded: the first build fails at once, as on a machine without the module proxy.
      const failure = await run(process.execPath, [build], { env: { ...process.env, BABYHELM_TOOLCHAIN_HOME: emptyHome, GOPROXY: "off" } }).then(
        () => undefined,
        (error: { code: number; stderr: string }) => error,
      );
      expect(failure?.code).toBe(1);
      expect(failure?.stderr).toContain("toolchain: building github.com/pulumi/pulumi/pkg/v3/cmd/pulumi from github.com/pulumi/pulumi/pkg/v3@v3.248.0 failed");
      expect(failure?.stderr).toMatch(/GOPROXY=off/);
    },
    60_000,
  );

  it.skipIf(!realPlatform)(
    "reuses every tool already built, and builds nothing",
    async () => {
      const { stdout } = await run(process.execPath, [build]);
      for (const tool of tools) expect(stdout).toContain(`✓ ${tool.name} ${toolVersion(tool)}: built`);
      expect(stdout).not.toContain("… building");
      expect(stdout).toMatch(/✓ kubernetes provider v4\.25\.0: installed in /);
    },
    60_000,
  );
});
