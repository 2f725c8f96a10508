// @ts-check
// `npm run toolchain`: builds the pinned Pulumi CLI, language host, Kubernetes provider, etcd, Kubernetes
// control plane and kwok from their Go modules into the toolchain home (see tools.mjs), and installs
// the provider into the toolchain's PULUMI_HOME. Tools already built at the pinned recipe are reused.
//   --prune   also remove tool versions no longer pinned, and scratch directories
//   --env     print shell exports (PATH, PULUMI_HOME, ...) for running `pulumi` by hand, and exit
import { execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { findBinary, moduleVersion, onPath, pulumiHome, toolDirectory, toolVersion, toolchainHome, toolchainSourceDir, tools } from "./tools.mjs";

const args = new Set(process.argv.slice(2));
for (const arg of args) {
  if (!["--prune", "--env"].includes(arg)) {
    console.error(`toolchain: unknown option ${arg} (known: --prune, --env)`);
    process.exit(2);
  }
}

const home = toolchainHome();

if (args.has("--env")) {
  printEnv();
  process.exit(0);
}

const goEnv = {
  ...process.env,
  GOMODCACHE: join(home, "go", "mod"),
  GOCACHE: join(home, "go", "build"),
  GOFLAGS: "-modcacherw -buildvcs=false -mod=readonly",
  GOTOOLCHAIN: "local",
  CGO_ENABLED: "0",
};

main().catch((error) => {
  console.error(`toolchain: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

async function main() {
  requireGo();
  console.log(`toolchain home: ${home}`);
  const started = Date.now();
  for (const tool of tools) {
    await ensureTool(tool);
  }
  installProviderPlugin();
  if (args.has("--prune")) prune();
  console.log(`toolchain ready in ${seconds(Date.now() - started)}; sizes: ${sizes()}`);
}

function requireGo() {
  try {
    const version = execFileSync("go", ["env", "GOVERSION"], { encoding: "utf8" }).trim();
    console.log(`go: ${version}`);
  } catch {
    throw new Error("Go is needed to build the toolchain (`go` was not found on PATH); install Go 1.26 or newer");
  }
}

/** @param {import("./tools.mjs").Tool} tool */
async function ensureTool(tool) {
  const version = toolVersion(tool);
  const target = toolDirectory(tool);
  const label = `${tool.name} ${version}`;
  if (tool.binaries.every(({ binary }) => existsSync(join(target, "bin", binary)))) {
    console.log(`✓ ${label}: built (${target})`);
    return;
  }
  const ambient = onPath(tool);
  if (ambient) {
    console.log(`✓ ${label}: using ${ambient} from PATH`);
    return;
  }

  const partial = `${target}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(join(partial, "bin"), { recursive: true });
  let workDir = join(toolchainSourceDir, tool.directory);
  try {
    workDir = prepareWorkDir(tool);
    for (const { binary, package: pkg } of tool.binaries) {
      const started = Date.now();
      console.log(`… building ${binary} from ${tool.module}@${moduleVersion(tool)}`);
      await goBuild(tool, workDir, pkg, join(partial, "bin", binary));
      console.log(`✓ ${binary}: ${seconds(Date.now() - started)}`);
    }
    copyData(tool, workDir, partial);
    writeFileSync(
      join(partial, "tool.json"),
      JSON.stringify({ name: tool.name, module: tool.module, moduleVersion: moduleVersion(tool), version, builtAt: new Date().toISOString() }, null, 2),
    );
    if (existsSync(target)) {
      rmSync(partial, { recursive: true, force: true }); // another run finished the same build first
    } else {
      renameSync(partial, target);
    }
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    throw error;
  } finally {
    if (workDir !== join(toolchainSourceDir, tool.directory)) rmSync(workDir, { recursive: true, force: true });
  }
}

/**
 * The directory `go build` runs in: the wrapper module itself, or a scratch copy where a generate step
 * has to write files (the repository stays clean).
 * @param {import("./tools.mjs").Tool} tool
 */
function prepareWorkDir(tool) {
  const source = join(toolchainSourceDir, tool.directory);
  if (!tool.generate) return source;
  const scratch = join(home, "work", `${tool.name}-${process.pid}`);
  rmSync(scratch, { recursive: true, force: true });
  cpSync(source, scratch, { recursive: true });
  if (tool.generate === "provider-schema") {
    const moduleDir = goModuleDir(tool, scratch);
    run("go", ["run", "./embedschema", "-version", tool.release ?? "", "-from", join(moduleDir, "cmd", "pulumi-resource-kubernetes"), "-to", scratch], scratch, tool);
  }
  return scratch;
}

/**
 * Where the module's files are, downloading it first: `go list -m` leaves Dir empty for a module not in the
 * cache yet (a new machine).
 * @param {import("./tools.mjs").Tool} tool @param {string} workDir
 */
function goModuleDir(tool, workDir) {
  const { Dir: dir, Error: error } = JSON.parse(run("go", ["mod", "download", "-json", tool.module], workDir, tool));
  if (!dir) throw new Error(`go mod download ${tool.module}@${moduleVersion(tool)} gave no directory${error ? `: ${error}` : ""}`);
  return dir;
}

/**
 * @param {import("./tools.mjs").Tool} tool @param {string} workDir @param {string} pkg @param {string} output
 * @returns {Promise<void>}
 */
function goBuild(tool, workDir, pkg, output) {
  const version = moduleVersion(tool);
  const ldflags = ["-s", "-w", ...tool.ldflags(version, tool.release ?? "")].join(" ");
  const buildArgs = ["build", "-trimpath", ...(tool.tags ? ["-tags", tool.tags] : []), "-ldflags", ldflags, "-o", output, pkg];
  return new Promise((resolve, reject) => {
    const child = spawn("go", buildArgs, { cwd: workDir, env: goEnv, stdio: ["ignore", "inherit", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) return resolve();
      reject(new Error(`building ${pkg} from ${tool.module}@${version} failed (go exited with ${code}):\n${stderr.trim()}`));
    });
  });
}

/** @param {import("./tools.mjs").Tool} tool @param {string} workDir @param {string} targetDir */
function copyData(tool, workDir, targetDir) {
  if (!tool.data) return;
  const moduleDir = goModuleDir(tool, workDir);
  const share = join(targetDir, "share");
  mkdirSync(share, { recursive: true });
  for (const { from, files } of tool.data) {
    for (const file of files) cpSync(join(moduleDir, from, file), join(share, file));
  }
}

/** The engine loads the provider from PULUMI_HOME; installed from our build, it never downloads one. */
function installProviderPlugin() {
  const provider = tools.find((t) => t.name === "pulumi-resource-kubernetes");
  const pulumi = findBinary("pulumi");
  const binary = findBinary("pulumi-resource-kubernetes");
  if (!provider || !pulumi || !binary) throw new Error("the Pulumi CLI and the Kubernetes provider must be built first");
  const version = toolVersion(provider);
  const pluginDir = join(pulumiHome(), "plugins", `resource-kubernetes-${version}`);
  const marker = join(pluginDir, ".babyhelm-source");
  if (existsSync(join(pluginDir, "pulumi-resource-kubernetes")) && existsSync(marker) && readFileSync(marker, "utf8") === binary) {
    console.log(`✓ kubernetes provider ${version}: installed in ${pulumiHome()}`);
    return;
  }
  const started = Date.now();
  run(pulumi, ["plugin", "install", "resource", "kubernetes", version, "--file", binary, "--reinstall"], toolchainSourceDir, provider, {
    PULUMI_HOME: pulumiHome(),
    PULUMI_SKIP_UPDATE_CHECK: "true",
  });
  writeFileSync(marker, binary);
  console.log(`✓ kubernetes provider ${version}: installed in ${pulumiHome()} (${seconds(Date.now() - started)})`);
}

function prune() {
  const keep = new Set(tools.map((tool) => toolDirectory(tool)));
  const toolsDir = join(home, "tools");
  for (const entry of existsSync(toolsDir) ? readdirSync(toolsDir) : []) {
    const path = join(toolsDir, entry);
    if (!keep.has(path)) {
      rmSync(path, { recursive: true, force: true });
      console.log(`pruned ${path}`);
    }
  }
  rmSync(join(home, "work"), { recursive: true, force: true });
  const provider = tools.find((t) => t.name === "pulumi-resource-kubernetes");
  const pinnedPlugin = provider ? `resource-kubernetes-${toolVersion(provider)}` : "";
  const pluginsDir = join(pulumiHome(), "plugins");
  for (const entry of existsSync(pluginsDir) ? readdirSync(pluginsDir) : []) {
    if (entry.startsWith(pinnedPlugin)) continue;
    rmSync(join(pluginsDir, entry), { recursive: true, force: true });
    console.log(`pruned plugin ${entry}`);
  }
}

function printEnv() {
  const pulumi = findBinary("pulumi");
  if (!pulumi) {
    console.error("toolchain: not built yet; run `npm run toolchain` first");
    process.exit(1);
  }
  const binDir = join(pulumi, "..");
  console.log(`export PATH=${shellQuote(binDir)}:"$PATH"`);
  console.log(`export PULUMI_HOME=${shellQuote(pulumiHome())}`);
  console.log("export PULUMI_SKIP_UPDATE_CHECK=true");
  console.log("export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true");
}

/**
 * @param {string} command @param {string[]} commandArgs @param {string} cwd
 * @param {import("./tools.mjs").Tool} tool @param {Record<string, string>} [extraEnv]
 */
function run(command, commandArgs, cwd, tool, extraEnv = {}) {
  try {
    return execFileSync(command, commandArgs, { cwd, env: { ...goEnv, ...extraEnv }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    const stderr = /** @type {{ stderr?: string }} */ (error).stderr ?? String(error);
    throw new Error(`${command} ${commandArgs.join(" ")} (for ${tool.module}@${moduleVersion(tool)}) failed:\n${stderr.trim()}`, { cause: error });
  }
}

function sizes() {
  return ["tools", "go/mod", "go/build", "pulumi-home"].map((dir) => `${dir} ${megabytes(join(home, dir))} MB`).join(", ");
}

/** @param {string} path */
function megabytes(path) {
  if (!existsSync(path)) return 0;
  try {
    return Math.round(Number(execFileSync("du", ["-sk", path], { encoding: "utf8" }).split("\t")[0]) / 1024);
  } catch {
    return Math.round(statSync(path).size / 1024 / 1024);
  }
}

/** @param {number} ms */
function seconds(ms) {
  return ms >= 60_000 ? `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** @param {string} value */
function shellQuote(value) {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
