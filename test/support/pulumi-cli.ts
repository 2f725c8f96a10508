/**
 * The toolchain's real Pulumi CLI for tests that run `pulumi up` themselves: a file backend of the test's
 * own, the toolchain's PULUMI_HOME (its Kubernetes provider), the test cluster's kubeconfig, and nothing
 * downloaded.
 */
import { execFile } from "node:child_process";
import { dirname } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import type { RealPlatform } from "../../portal/server/src/test-support/cluster.js";
import { tempDir } from "./temp-dir.js";

const run = promisify(execFile);

export interface PulumiCli {
  /** The file backend's directory. */
  stateDir: string;
  env: NodeJS.ProcessEnv;
  run(args: string[], cwd: string): Promise<{ stdout: string; stderr: string }>;
}

export function pulumiCli(platform: RealPlatform, passphrase = "test passphrase"): PulumiCli {
  const stateDir = tempDir("pulumi-state");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // The Kubernetes provider leaves a copy of the kubeconfig in the temp dir on every run: a private one,
    // removed with the test file's other scratch dirs.
    TMPDIR: tempDir("pulumi-tmp"),
    PATH: `${dirname(platform.pulumi)}:${process.env.PATH ?? ""}`,
    PULUMI_HOME: platform.pulumiHome,
    PULUMI_BACKEND_URL: pathToFileURL(stateDir).href,
    PULUMI_CONFIG_PASSPHRASE: passphrase,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    KUBECONFIG: platform.kubeconfig,
  };
  return {
    stateDir,
    env,
    async run(args, cwd) {
      try {
        return await run(platform.pulumi, [...args, "--non-interactive"], { cwd, env, maxBuffer: 64 << 20 });
      } catch (error) {
        const failure = error as { stdout?: string; stderr?: string; message: string };
        throw new Error(`pulumi ${args.join(" ")} failed:\n${failure.stdout ?? ""}\n${failure.stderr ?? failure.message}`, { cause: error });
      }
    },
  };
}
