// @ts-check
// The tools `npm run toolchain` builds from Go modules, where their binaries live and how the portal,
// the cluster launcher and the tests find them. Plain JavaScript without dependencies: CI builds the
// toolchain before `npm ci`. Each tool's version is its wrapper module's `require` line (one source).
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const toolchainSourceDir = dirname(fileURLToPath(import.meta.url));

/**
 * @typedef {object} Tool
 * @property {string} name            directory name in the cache, and what the build prints
 * @property {string} directory       wrapper module under toolchain/
 * @property {string} module          the upstream module whose required version names the build
 * @property {{ binary: string, package: string }[]} binaries
 * @property {string} [release]       the release this module version is, where the version is a pseudo-version
 * @property {string} [tags]          Go build tags
 * @property {(version: string, release: string) => string[]} ldflags  -X flags that stamp the version
 * @property {{ binary: string, args: string[], expect: (version: string) => string }} [onPath]
 *   for a tool of one binary: it may be used from PATH instead, when its version output contains `expect(version)`
 * @property {"provider-schema"} [generate]  a step that must run in a scratch copy before the build
 * @property {{ from: string, files: string[] }[]} [data]  files copied out of the module into the tool's directory
 */

/** @type {Tool[]} */
export const tools = [
  {
    name: "pulumi",
    directory: "pulumi",
    module: "github.com/pulumi/pulumi/pkg/v3",
    binaries: [
      { binary: "pulumi", package: "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi" },
      // Beside the CLI, where it looks for bundled language plugins first.
      { binary: "pulumi-language-nodejs", package: "./pulumi-language-nodejs" },
    ],
    tags: "osusergo,grpcnotrace",
    // Without it `pulumi version` prints nothing and Automation API refuses the CLI.
    ldflags: (version) => [`-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${version}`],
  },
  {
    name: "pulumi-resource-kubernetes",
    directory: "kubernetes-provider",
    module: "github.com/pulumi/pulumi-kubernetes/provider/v4",
    release: "4.25.0",
    binaries: [{ binary: "pulumi-resource-kubernetes", package: "." }],
    ldflags: (_version, release) => [`-X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=${release}`],
    generate: "provider-schema",
  },
  {
    name: "etcd",
    directory: "etcd",
    module: "go.etcd.io/etcd/server/v3",
    binaries: [{ binary: "etcd", package: "go.etcd.io/etcd/server/v3" }],
    ldflags: () => [],
    onPath: { binary: "etcd", args: ["--version"], expect: (version) => `etcd Version: ${version.slice(1)}` },
  },
  {
    name: "kubernetes",
    directory: "kubernetes",
    module: "k8s.io/kubernetes",
    binaries: ["kube-apiserver", "kube-controller-manager", "kube-scheduler"].map((binary) => ({
      binary,
      package: `k8s.io/kubernetes/cmd/${binary}`,
    })),
    ldflags: (version) => {
      const [major, minor] = version.slice(1).split(".");
      return ["k8s.io/component-base/version", "k8s.io/client-go/pkg/version"].flatMap((pkg) => [
        `-X ${pkg}.gitVersion=${version}`,
        `-X ${pkg}.gitMajor=${major}`,
        `-X ${pkg}.gitMinor=${minor}`,
        `-X ${pkg}.gitTreeState=clean`,
      ]);
    },
  },
  {
    name: "kube-state-metrics",
    directory: "kube-state-metrics",
    module: "k8s.io/kube-state-metrics/v2",
    binaries: [{ binary: "kube-state-metrics", package: "k8s.io/kube-state-metrics/v2" }],
    ldflags: (version) => [`-X github.com/prometheus/common/version.Version=${version}`],
    // `kube-state-metrics version` (it has no --version flag) prints "kube-state-metrics, version v2.15.0 (...)".
    onPath: { binary: "kube-state-metrics", args: ["version"], expect: (version) => `kube-state-metrics, version ${version} ` },
  },
  {
    name: "kwok",
    directory: "kwok",
    module: "sigs.k8s.io/kwok",
    binaries: [{ binary: "kwok", package: "sigs.k8s.io/kwok/cmd/kwok" }],
    ldflags: () => [],
    // kwok does nothing without stage definitions: nodes become Ready and pods Running through these.
    // The Logs and ClusterLogs CRDs let a test say at run time which file a pod's container logs come from.
    data: [
      { from: "kustomize/stage/node/fast", files: ["node-initialize.yaml"] },
      { from: "kustomize/stage/node/heartbeat-with-lease", files: ["node-heartbeat-with-lease.yaml"] },
      { from: "kustomize/stage/pod/fast", files: ["pod-ready.yaml", "pod-complete.yaml", "pod-delete.yaml"] },
      { from: "kustomize/crd/bases", files: ["kwok.x-k8s.io_logs.yaml", "kwok.x-k8s.io_clusterlogs.yaml"] },
    ],
  },
];

/** The one home of everything the toolchain keeps: Go caches, built tools, Pulumi's plugin home. */
export function toolchainHome(env = process.env) {
  if (env.BABYHELM_TOOLCHAIN_HOME) return env.BABYHELM_TOOLCHAIN_HOME;
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "babyhelm", "toolchain");
}

/** PULUMI_HOME of the toolchain: the Kubernetes provider is installed here, so nothing is downloaded. */
export function pulumiHome(env = process.env) {
  return join(toolchainHome(env), "pulumi-home");
}

/** @param {Tool} tool */
export function moduleVersion(tool) {
  const goMod = readFileSync(join(toolchainSourceDir, tool.directory, "go.mod"), "utf8");
  const escaped = tool.module.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  const match = goMod.match(new RegExp(`^\\s*(?:require\\s+)?${escaped}\\s+(v\\S+)`, "m"));
  if (!match?.[1]) throw new Error(`toolchain/${tool.directory}/go.mod does not require ${tool.module}`);
  return match[1];
}

/**
 * The version a person would name: the release for pseudo-versions, else the module version.
 * @param {Tool} tool
 */
export function toolVersion(tool) {
  return tool.release ? `v${tool.release}` : moduleVersion(tool);
}

/**
 * The cache key of a build: version plus a digest of everything that decides the binary (the wrapper
 * module's files and the build flags), so a changed recipe never reuses an old binary.
 * @param {Tool} tool
 */
export function recipeDigest(tool) {
  const hash = createHash("sha256");
  const dir = join(toolchainSourceDir, tool.directory);
  for (const file of listFiles(dir)) {
    hash.update(file.slice(dir.length)).update("\0").update(readFileSync(file)).update("\0");
  }
  const version = moduleVersion(tool);
  hash.update(JSON.stringify({ binaries: tool.binaries, tags: tool.tags, ldflags: tool.ldflags(version, tool.release ?? ""), data: tool.data }));
  return hash.digest("hex").slice(0, 10);
}

/** @param {Tool} tool @param {NodeJS.ProcessEnv} [env] */
export function toolDirectory(tool, env = process.env) {
  return join(toolchainHome(env), "tools", `${tool.name}-${toolVersion(tool)}-${recipeDigest(tool)}`);
}

/**
 * Where a binary of the pinned toolchain is: the built one, else one on PATH of the right version
 * (where the tool allows it), else undefined.
 * @param {string} binary
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {string | undefined}
 */
export function findBinary(binary, env = process.env) {
  const tool = tools.find((t) => t.binaries.some((b) => b.binary === binary));
  if (!tool) throw new Error(`no tool builds ${binary}`);
  const built = join(toolDirectory(tool, env), "bin", binary);
  if (existsSync(built)) return built;
  if (tool.onPath?.binary === binary) return onPath(tool, env);
  return undefined;
}

/** @param {Tool} tool @param {NodeJS.ProcessEnv} env */
export function onPath(tool, env = process.env) {
  if (!tool.onPath) return undefined;
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    const candidate = join(dir, tool.onPath.binary);
    if (!dir || !isExecutable(candidate)) continue;
    try {
      const output = execFileSync(candidate, tool.onPath.args, { encoding: "utf8", timeout: 10_000, stdio: ["ignore", "pipe", "pipe"] });
      if (output.includes(tool.onPath.expect(moduleVersion(tool)))) return candidate;
    } catch {
      // not runnable, or not that version
    }
  }
  return undefined;
}

/** @param {string} path */
function isExecutable(path) {
  try {
    const stat = statSync(path);
    return stat.isFile() && (stat.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

/** @param {string} dir @returns {string[]} */
function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => (entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)]));
}
