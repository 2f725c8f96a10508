import { readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parseProjectSpecText, type PlatformOptions } from "@babyhelm/sdk";
import type { ProjectProgramArgs } from "./program.js";

/**
 * Reads the program's arguments from stack config:
 * - `babyhelm:spec`: the ProjectSpec as an object (secret leaves, set with `--secret --path`, are fine), or
 * - `babyhelm:specFile`: a YAML or JSON spec file, relative to the Pulumi project directory;
 * - `babyhelm:platform`: optional PlatformOptions, e.g. `{ "ingressClassName": "traefik" }`;
 * - `babyhelm:secretChecksumKey` (secret): the key of the secret checksum on pod templates, random per
 *   stack, needed once an app has `secretEnv`: `pulumi config set --secret babyhelm:secretChecksumKey
 *   "$(openssl rand -hex 32)"`. Without it such a spec stops with that command.
 */
export function readProjectConfig(config = new pulumi.Config("babyhelm"), projectDir = projectDirectory()): ProjectProgramArgs {
  const spec = config.getObject<unknown>("spec");
  const specFile = config.get("specFile");
  const platform = config.getObject<PlatformOptions>("platform");
  const secretChecksumKey = config.get("secretChecksumKey");
  if (spec !== undefined && specFile !== undefined) {
    throw new Error("Set either babyhelm:spec or babyhelm:specFile, not both: remove one with `pulumi config rm`.");
  }
  if (specFile !== undefined) {
    const path = resolve(projectDir, specFile);
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      throw new Error(`babyhelm:specFile: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
    }
    return { spec: parseProjectSpecText(text, specFile), platform, secretChecksumKey };
  }
  if (spec === undefined) {
    throw new Error(
      "No project spec: set babyhelm:specFile (`pulumi config set babyhelm:specFile spec.yaml`) or babyhelm:spec (`pulumi config set --path babyhelm:spec.name shop`).",
    );
  }
  return { spec, platform, secretChecksumKey };
}

/**
 * Where Pulumi.yaml is: what a relative `babyhelm:specFile` is relative to, whatever working directory
 * Pulumi gives the program. Outside an engine (Pulumi's mocks) the runtime answers a placeholder, not a
 * path, and the working directory stands in.
 */
function projectDirectory(): string {
  const root = pulumi.runtime.getRootDirectory();
  return isAbsolute(root) ? root : process.cwd();
}
