/**
 * The SDK as users get it: `npm pack -w sdk`, installed into a Pulumi program outside this repository,
 * type-checked against the shipped `.d.ts`, run under Pulumi's mock runtime, deployed with the real Pulumi
 * CLI and language host to the test run's local cluster, and its CLI run from the compiled JavaScript.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { AppsV1Api } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { namespaceExists, realPlatform } from "../portal/server/src/test-support/cluster.js";
import { pulumiCli, type PulumiCli } from "./support/pulumi-cli.js";
import { tempDir } from "./support/temp-dir.js";

const run = promisify(execFile);
const repo = fileURLToPath(new URL("..", import.meta.url));
const rootPackage = JSON.parse(readFileSync(join(repo, "package.json"), "utf8"));
const pinned = (name: string) => rootPackage.devDependencies[name] as string;

const consumer = tempDir("consumer");
let packedFiles: string[] = [];
// Unique namespaces: the test cluster is shared by the whole run.
const suffix = randomBytes(3).toString("hex");
const SHOP = `shop-${suffix}`;
const TEAM = `team-${suffix}`;

const program = `import * as pulumi from "@pulumi/pulumi";
import { App, Project, UserNamespace, type ProjectSpecInput } from "@babyhelm/sdk";

const spec: ProjectSpecInput = { name: "${SHOP}", apps: [{ name: "web", image: "nginx:1.27", port: 80, replicas: 2 }] };
const project = new Project("shop", { spec });
const team = new UserNamespace("team", { name: "${TEAM}", quota: { cpu: "1" } });
const api = new App("api", { namespace: team.name, project: "${TEAM}", image: pulumi.output("ghcr.io/acme/api:v1"), port: 8080 });

export const namespace: pulumi.Output<string> = project.namespaceName;
export const apiUrl: string | undefined = api.url;
`;

const runner = `import * as pulumi from "@pulumi/pulumi";
const types = [];
await pulumi.runtime.setMocks({
  newResource: (args) => { types.push(args.type + " " + args.name); return { id: args.name, state: args.inputs }; },
  call: (args) => args.inputs,
}, "consumer", "dev", false);
const outputs = await import("./dist/index.js");
await pulumi.runtime.waitForRPCs();
const namespace = await new Promise((resolve) => outputs.namespace.apply(resolve));
console.log(JSON.stringify({ types: types.sort(), namespace, apiUrl: outputs.apiUrl }));
`;

let cli: PulumiCli | undefined;
afterAll(() => {
  if (cli) rmSync(cli.stateDir, { recursive: true, force: true });
});

describe("the packed @babyhelm/sdk in a Pulumi program outside the repository", () => {
  beforeAll(async () => {
    const { stdout } = await run("npm", ["pack", "-w", "sdk", "--pack-destination", consumer, "--json"], { cwd: repo, maxBuffer: 16 << 20 });
    const [packed] = JSON.parse(stdout.slice(stdout.indexOf("[")));
    packedFiles = packed.files.map((file: { path: string }) => file.path);
    mkdirSync(join(consumer, "program"));
    const dir = join(consumer, "program");
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({
        name: "consumer",
        private: true,
        type: "module",
        main: "dist/index.js",
        dependencies: {
          "@babyhelm/sdk": `file:../${packed.filename}`,
          "@pulumi/pulumi": pinned("@pulumi/pulumi"),
          "@pulumi/kubernetes": pinned("@pulumi/kubernetes"),
        },
      }),
    );
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, outDir: "dist", skipLibCheck: false, types: [] },
        include: ["index.ts"],
      }),
    );
    writeFileSync(join(dir, "index.ts"), program);
    writeFileSync(join(dir, "Pulumi.yaml"), "name: consumer\nruntime:\n  name: nodejs\n  options: { typescript: false }\nmain: dist/index.js\n");
    writeFileSync(join(dir, "run-with-mocks.mjs"), runner);
    writeFileSync(join(dir, "spec.yaml"), "name: shop\napps:\n  - { name: web, image: nginx:1.27, port: 80, secretEnv: { KEY: hidden-value } }\n");
    await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: dir, maxBuffer: 16 << 20 });
  }, 240_000);

  it("ships compiled JavaScript, type declarations and the CLI, without sources or tests", () => {
    expect(packedFiles).toEqual(expect.arrayContaining(["bin/babyhelm.js", "dist/index.js", "dist/index.d.ts", "dist/cli.js", "package.json"]));
    expect(packedFiles.filter((file) => file.startsWith("src/") || /\.(test|fixture)\./.test(file) || file.includes("test-support"))).toEqual([]);
  });

  it("type-checks a program against the shipped declarations, strictly", async () => {
    const tsc = join(repo, "node_modules", "typescript", "bin", "tsc");
    await expect(run(process.execPath, [tsc, "-p", "."], { cwd: join(consumer, "program") })).resolves.toBeDefined();
  }, 180_000);

  it("runs the program under Pulumi's mock runtime and creates the namespace and apps", async () => {
    const { stdout } = await run(process.execPath, ["run-with-mocks.mjs"], { cwd: join(consumer, "program") });
    const result = JSON.parse(stdout.trim().split("\n").at(-1)!);
    expect(result.namespace).toBe(SHOP);
    expect(result.apiUrl).toBe(`http://api.${TEAM}.svc.cluster.local:8080`);
    expect(result.types).toEqual(
      expect.arrayContaining([
        "babyhelm:index:Project shop",
        "babyhelm:index:UserNamespace team",
        "babyhelm:index:App api",
        "kubernetes:apps/v1:Deployment shop/web",
        "kubernetes:apps/v1:Deployment api",
        "kubernetes:core/v1:Namespace team",
        "kubernetes:policy/v1:PodDisruptionBudget shop/web",
      ]),
    );
  }, 180_000);

  it.skipIf(!realPlatform)(
    "deploys with the real Pulumi CLI and language host, and destroys",
    async () => {
      const platform = realPlatform!;
      const dir = join(consumer, "program");
      cli = pulumiCli(platform);
      await cli.run(["stack", "init", "dev", "--secrets-provider", "passphrase"], dir);
      // As the README says: the key of the secret checksum, random per stack.
      await cli.run(["config", "set", "--secret", "--stack", "dev", "babyhelm:secretChecksumKey", randomBytes(32).toString("hex")], dir);
      const up = await cli.run(["up", "--yes", "--skip-preview", "--stack", "dev"], dir);
      expect(up.stdout).toMatch(/\+ +\d+ created/);
      const outputs = JSON.parse((await cli.run(["stack", "output", "--json", "--stack", "dev"], dir)).stdout);
      expect(outputs).toEqual({ namespace: SHOP, apiUrl: `http://api.${TEAM}.svc.cluster.local:8080` });
      const apps = platform.kube.makeApiClient(AppsV1Api);
      expect((await apps.readNamespacedDeployment({ name: "web", namespace: SHOP })).status?.availableReplicas).toBe(2);
      expect((await apps.readNamespacedDeployment({ name: "api", namespace: TEAM })).status?.availableReplicas).toBe(1);
      await cli.run(["destroy", "--yes", "--skip-preview", "--stack", "dev"], dir);
      expect(await namespaceExists(platform.kube, SHOP)).toBe(false);
      expect(await namespaceExists(platform.kube, TEAM)).toBe(false);
    },
    300_000,
  );

  it("runs the installed babyhelm CLI from compiled JavaScript", async () => {
    const dir = join(consumer, "program");
    const { stdout } = await run(process.execPath, [join(dir, "node_modules", ".bin", "babyhelm"), "render", "-f", "spec.yaml"], { cwd: dir });
    expect(stdout).toContain("kind: Deployment");
    expect(stdout).not.toContain("hidden-value");
  }, 180_000);
});
