/** Which Pulumi CLI a deployment runs. */
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { findBinary } from "../../../../toolchain/tools.mjs";
import { CLI_MISSING } from "./protocol.js";

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export interface FoundCli {
  path: string;
  /** Built by `npm run toolchain`: its Kubernetes provider is installed in the toolchain's PULUMI_HOME. */
  fromToolchain: boolean;
}

/**
 * The CLI named by PULUMI_CLI_PATH, else `pulumi` on PATH, else the one `npm run toolchain` built; fails at
 * once, naming the fix, when there is none. Looked up per run, so a toolchain built after the portal
 * started is used without a restart.
 */
export function findPulumiCli(pulumi: { cliPath?: string; toolchainHome: string }, path: string | undefined): FoundCli {
  if (pulumi.cliPath) {
    if (!executable(pulumi.cliPath)) throw new Error(`${CLI_MISSING} (PULUMI_CLI_PATH=${pulumi.cliPath} is not an executable file)`);
    return { path: pulumi.cliPath, fromToolchain: false };
  }
  const onPath = (path ?? "")
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, "pulumi"))
    .find(executable);
  if (onPath) return { path: onPath, fromToolchain: false };
  const built = findBinary("pulumi", { BABYHELM_TOOLCHAIN_HOME: pulumi.toolchainHome });
  if (built) return { path: built, fromToolchain: true };
  throw new Error(CLI_MISSING);
}
