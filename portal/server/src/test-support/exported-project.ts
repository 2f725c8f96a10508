/**
 * A project's export (`GET /api/projects/:name/export`) as its owner gets it: downloaded, unpacked, and made
 * ready the way its README says (the packed SDK installed, the program compiled), or run under Pulumi's mocks.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { extract } from "tar";
import { npmInstall, packSdk } from "../../../../test/support/packed-sdk.js";
import { checkAnswer } from "./openapi-check.js";
import type { TestPortal } from "./portal.js";

const run = promisify(execFile);
const runner = fileURLToPath(new URL("../../../../test/support/run-pulumi-entry.mjs", import.meta.url));

export interface Download {
  status: number;
  headers: Headers;
  body: Buffer;
}

/** The export's raw answer (binary, which `portal.request` would read as text). */
export async function downloadExport(portal: TestPortal, name: string, cookie?: string): Promise<Download> {
  const path = `/api/projects/${name}/export`;
  const response = await fetch(`${portal.url}${path}`, { headers: cookie ? { cookie } : {} });
  const body = Buffer.from(await response.arrayBuffer());
  const contentType = response.headers.get("content-type") ?? "";
  // Held against the OpenAPI document, like every answer `portal.request` sees.
  checkAnswer({ method: "GET", path, status: response.status, contentType, json: contentType.startsWith("application/json") ? JSON.parse(body.toString()) : undefined });
  return { status: response.status, headers: response.headers, body };
}

/** Unpacks a tar.gz into `dir`, refusing anything odd (absolute paths, `..`); returns the paths of its entries. */
export async function unpack(archive: Buffer, dir: string): Promise<string[]> {
  const paths: string[] = [];
  const extraction = extract({ cwd: dir, strict: true, onReadEntry: (entry) => void paths.push(entry.path) });
  await new Promise<void>((resolve, reject) => {
    extraction.on("error", reject);
    extraction.on("close", resolve);
    extraction.end(archive);
  });
  return paths;
}

/** What its README says before `pulumi up`: the packed SDK (made in `scratch`) installed, then `npm run build`. */
export async function prepareExport(repoDir: string, scratch: string): Promise<void> {
  const sdk = await packSdk(scratch);
  await npmInstall(repoDir, [sdk.tarball]);
  await run("npm", ["run", "build", "--silent"], { cwd: repoDir });
}

export interface MockRun {
  exports: Record<string, unknown>;
  resources: string[];
  objects: { type: string; name: string; inputs: Record<string, unknown> }[];
}

/**
 * Runs the compiled program (`main` of its Pulumi.yaml, dist/index.js) under Pulumi's mock runtime, as the
 * language host runs it: in the directory of `main`, told the project's name and root directory, with
 * `config` as the stack's config (keys without the project's prefix unless they name their namespace, all secret). Rejects with the
 * program's error output when it fails.
 */
export async function runExportUnderMocks(repoDir: string, project: string, config: Record<string, string>): Promise<MockRun> {
  // A key with its namespace (`babyhelm:secretChecksumKey`) stays as it is.
  const full = Object.fromEntries(Object.entries(config).map(([key, value]) => [key.includes(":") ? key : `${project}:${key}`, value]));
  const { stdout } = await run(process.execPath, [runner, join(repoDir, "dist", "index.js")], {
    cwd: join(repoDir, "dist"),
    maxBuffer: 16 << 20,
    env: {
      ...process.env,
      PULUMI_NODEJS_PROJECT: project,
      PULUMI_NODEJS_ROOT_DIRECTORY: repoDir,
      PULUMI_CONFIG: JSON.stringify(full),
      PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(Object.keys(full)),
    },
  });
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as MockRun;
}
