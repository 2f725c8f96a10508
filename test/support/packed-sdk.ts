/**
 * The SDK as users get it, for tests of programs outside this repository: `npm pack -w sdk` (its prepack
 * compiles it), and `npm install` from npm's cache where it can.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const repo = fileURLToPath(new URL("../..", import.meta.url));

export interface PackedSdk {
  /** Absolute path of the `.tgz`. */
  tarball: string;
  /** The paths inside the package. */
  files: string[];
}

/** Packs `@babyhelm/sdk` into `destination`. */
export async function packSdk(destination: string): Promise<PackedSdk> {
  const { stdout } = await run("npm", ["pack", "-w", "sdk", "--pack-destination", destination, "--json"], { cwd: repo, maxBuffer: 16 << 20 });
  const [packed] = JSON.parse(stdout.slice(stdout.indexOf("["))) as { filename: string; files: { path: string }[] }[];
  return { tarball: join(destination, packed!.filename), files: packed!.files.map((file) => file.path) };
}

/** `npm install [packages]` in `dir`, from npm's cache first, without audit or funding requests. */
export async function npmInstall(dir: string, packages: string[] = []): Promise<void> {
  await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error", ...packages], { cwd: dir, maxBuffer: 16 << 20 });
}
