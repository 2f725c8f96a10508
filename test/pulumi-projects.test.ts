/**
 * What `pulumi up` would run, checked up to the engine boundary: each Pulumi.yaml names a Node.js
 * runtime without ts-node, its main resolves (by the rules of @pulumi/pulumi's `cmd/run` for ES modules)
 * to a compiled module, and that module, loaded like the language host loads it, builds its stack.
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const run = promisify(execFile);
const repo = fileURLToPath(new URL("..", import.meta.url));
const runner = fileURLToPath(new URL("./support/run-pulumi-entry.mjs", import.meta.url));

/** Pulumi's rule for an ES module program: `main` (or the project directory) names a file, or a directory holding index.js. */
function resolveEntry(projectFile: string): string {
  const project = parse(readFileSync(projectFile, "utf8"));
  const main = join(dirname(projectFile), project.main ?? ".");
  if (!statSync(main).isDirectory()) return main;
  return join(main, "index.js");
}

async function runEntry(projectFile: string, config: Record<string, unknown>) {
  const entry = resolveEntry(projectFile);
  const { stdout } = await run(process.execPath, [runner, entry], {
    cwd: dirname(projectFile),
    // The engine passes every value as text; objects as their JSON.
    env: {
      ...process.env,
      PULUMI_CONFIG: JSON.stringify(Object.fromEntries(Object.entries(config).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]))),
    },
  });
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as { exports: Record<string, unknown>; resources: string[] };
}

describe.each([
  ["the platform project", join(repo, "Pulumi.yaml")],
  ["the project stack", join(repo, "stacks", "project", "Pulumi.yaml")],
])("%s (Pulumi.yaml)", (_title, projectFile) => {
  it("runs compiled JavaScript on the nodejs runtime, without ts-node", () => {
    const project = parse(readFileSync(projectFile, "utf8"));
    expect(project.runtime).toEqual({ name: "nodejs", options: { typescript: false } });
    const entry = resolveEntry(projectFile);
    expect(existsSync(entry), `${entry} is missing: run \`npm run build\``).toBe(true);
  });
});

describe("loading the entry modules like Pulumi's language host", () => {
  it("builds the platform stack: monitoring, and its settings as outputs", async () => {
    const { exports, resources } = await runEntry(join(repo, "Pulumi.yaml"), { "babyhelm:platform": { ingressClassName: "traefik" } });
    expect(exports).toMatchObject({
      ingressNamespace: "ingress-nginx",
      monitoringNamespace: "monitoring",
      ingressClassName: "traefik",
      tlsClusterIssuer: "letsencrypt",
      ingressController: "none (bring your own)",
    });
    expect(resources).toEqual(expect.arrayContaining(["babyhelm:platform:Monitoring monitoring", "kubernetes:helm.sh/v3:Release monitoring/kube-prometheus-stack"]));
  }, 60_000);

  it("builds a project from babyhelm:specFile, relative to stacks/project", async () => {
    const { exports, resources } = await runEntry(join(repo, "stacks", "project", "Pulumi.yaml"), { "babyhelm:specFile": "examples/shop.yaml" });
    expect(exports).toMatchObject({ namespace: "shop", apps: ["web", "worker"] });
    expect(resources).toEqual(expect.arrayContaining(["babyhelm:index:Project shop", "kubernetes:apps/v1:Deployment shop/web", "kubernetes:core/v1:Namespace shop"]));
  }, 60_000);
});
