import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { parseProjectSpec, parseProjectSpecText, type ProjectSpec } from "@babyhelm/sdk";
import { list } from "tar";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { exportArchive, exportSecrets, projectExportFiles, repositoryVersions, type ExportVersions } from "./project-export.js";

const SECRETS = ["s3cr3t-api-key", "hunter2-database", "token with spaces"];
const spec: ProjectSpec = parseProjectSpec({
  name: "shop",
  displayName: "Shop",
  quota: { cpu: "2", memory: "2Gi", pods: 12 },
  apps: [
    {
      name: "web",
      image: "nginx:1.27",
      port: 80,
      replicas: 2,
      // Strings a YAML reader could take for other types stay strings.
      env: { LOG_COLOR: "on", WORKERS: "4", MODE: "0o17", EMPTY: "" },
      secretEnv: { API_KEY: SECRETS[0]!, DATABASE_PASSWORD: SECRETS[1]! },
      domain: "shop.example.com",
    },
    { name: "worker", image: "busybox:1.36", command: ["sleep", "3600"], secretEnv: { TOKEN: SECRETS[2]! } },
    { name: "cron", image: "busybox:1.36" },
  ],
});
const versions: ExportVersions = { sdk: "0.1.0", pulumi: "3.248.0", kubernetes: "4.25.0", typescript: "5.9.3", typesNode: "20.19.43" };
const files = projectExportFiles({ spec, platform: { ingressClassName: "traefik" }, versions });
const file = (path: string) => files.find((candidate) => candidate.path === path)!.content;

describe("a project exported as a pulumi up repository", () => {
  it("holds the program's files", () => {
    expect(files.map((entry) => entry.path).sort()).toEqual([".gitignore", "Pulumi.yaml", "README.md", "index.ts", "package.json", "spec.yaml", "tsconfig.json"]);
  });

  it("puts no secret value in any file, nor any part of one", () => {
    for (const entry of files) {
      for (const secret of SECRETS) {
        expect(entry.content, entry.path).not.toContain(secret);
        expect(entry.content, entry.path).not.toContain(Buffer.from(secret).toString("base64"));
      }
    }
    expect(files.map((entry) => entry.content).join("\n")).not.toMatch(/s3cr3t|hunter2|with spaces/);
  });

  it("keeps the spec with the secret names, masked, and reads back as the same project", () => {
    const exported = parseProjectSpecText(file("spec.yaml"), "spec.yaml");
    const masked = (values: Record<string, string>) => Object.fromEntries(Object.keys(values).map((key) => [key, "********"]));
    expect(exported).toEqual({ ...spec, apps: spec.apps.map((app) => (app.secretEnv ? { ...app, secretEnv: masked(app.secretEnv) } : app)) });
    expect(exported.apps[0]!.env).toEqual({ LOG_COLOR: "on", WORKERS: "4", MODE: "0o17", EMPTY: "" });
    expect(file("spec.yaml")).toMatch(/^# .*\n# secretEnv lists names only/);
    // Also for YAML 1.1 readers.
    expect(file("spec.yaml")).toContain('LOG_COLOR: "on"');
  });

  it("tells in the README how to set each secret, one pulumi config set --secret line per secret", () => {
    const readme = file("README.md");
    expect(exportSecrets(spec).map((secret) => secret.key)).toEqual(["web.API_KEY", "web.DATABASE_PASSWORD", "worker.TOKEN"]);
    const block = readme.slice(readme.indexOf("## Secrets"), readme.indexOf("## Run it"));
    expect(block.match(/^pulumi config set --secret .*$/gm)).toEqual([
      "pulumi config set --secret web.API_KEY",
      "pulumi config set --secret web.DATABASE_PASSWORD",
      "pulumi config set --secret worker.TOKEN",
      'pulumi config set --secret babyhelm:secretChecksumKey "$(openssl rand -hex 32)"',
    ]);
    // The run-through repeats them in order, between stack init and preview.
    const run = readme.slice(readme.indexOf("## Run it"));
    expect(run.indexOf("pulumi stack init dev")).toBeLessThan(run.indexOf("pulumi config set --secret web.API_KEY"));
    expect(run.indexOf("pulumi config set --secret worker.TOKEN")).toBeLessThan(run.indexOf("pulumi preview"));
    expect(readme).toContain("npm install ./babyhelm-sdk-0.1.0.tgz");
    expect(readme).toMatch(/^# Shop \(shop\)$/m);
    // Rendered offline with the program's platform options.
    expect(readme).toContain("npx babyhelm render -f spec.yaml --ingress-class traefik ");
  });

  it("says so when there is no secret to set", () => {
    const plain = parseProjectSpec({ name: "calm", apps: [{ name: "web", image: "nginx:1.27" }] });
    const readme = projectExportFiles({ spec: plain, platform: {}, versions }).find((entry) => entry.path === "README.md")!.content;
    expect(readme).toContain("This project has no secret variables");
    expect(readme).not.toContain("config set");
  });

  it("pins every dependency to an exact version", () => {
    const manifest = JSON.parse(file("package.json"));
    expect(manifest).toMatchObject({ name: "shop", private: true, type: "module", main: "dist/index.js", scripts: { build: "tsc" } });
    expect(manifest.dependencies).toEqual({ "@babyhelm/sdk": "0.1.0", "@pulumi/kubernetes": "4.25.0", "@pulumi/pulumi": "3.248.0" });
    expect(manifest.devDependencies).toEqual({ "@types/node": "20.19.43", typescript: "5.9.3" });
  });

  it("runs compiled TypeScript on Pulumi's nodejs runtime", () => {
    expect(parse(file("Pulumi.yaml"))).toEqual({
      name: "shop",
      description: expect.any(String),
      runtime: { name: "nodejs", options: { typescript: false } },
      main: "dist/index.js",
    });
    expect(JSON.parse(file("tsconfig.json")).compilerOptions).toMatchObject({ module: "NodeNext", outDir: "dist", strict: true });
  });

  it("builds the SDK's Project from spec.yaml with the portal's platform, secrets from config", () => {
    const program = file("index.ts");
    expect(program).toContain('const platform: PlatformOptions = {"ingressClassName":"traefik"};');
    expect(program).toContain('readFileSync(join(pulumi.runtime.getRootDirectory(), "spec.yaml"), "utf8")');
    expect(program).toContain("new Project(spec.name, { spec, platform, secretChecksumKey }, { providers: [provider] })");
    expect(program).toContain("config.get(`${app.name}.${variable}`)");
  });

  it("keys the secret checksum with the stack's own babyhelm:secretChecksumKey, which the README has the user set once", () => {
    const program = file("index.ts");
    expect(program).toContain('const secretChecksumKey = new pulumi.Config("babyhelm").get("secretChecksumKey");');
    expect(program).toContain('missing.push("pulumi config set --secret babyhelm:secretChecksumKey \\"$(openssl rand -hex 32)\\"");');
    const readme = file("README.md");
    const secrets = readme.slice(readme.indexOf("## Secrets"), readme.indexOf("## Run it"));
    expect(secrets).toContain('```sh\npulumi config set --secret babyhelm:secretChecksumKey "$(openssl rand -hex 32)"\n```');
    const run = readme.slice(readme.indexOf("## Run it"));
    expect(run.indexOf('pulumi config set --secret babyhelm:secretChecksumKey "$(openssl rand -hex 32)"')).toBeLessThan(run.indexOf("pulumi preview"));
    // The offline render keys the checksum as pulumi up does, the key passed through the environment.
    expect(run).toContain(
      'BABYHELM_SECRET_CHECKSUM_KEY="$(pulumi config get babyhelm:secretChecksumKey)" npx babyhelm render -f spec.yaml --ingress-class traefik --secret-checksum-key-env BABYHELM_SECRET_CHECKSUM_KEY',
    );
    const plain = parseProjectSpec({ name: "calm", apps: [{ name: "web", image: "nginx:1.27" }] });
    const calm = projectExportFiles({ spec: plain, platform: {}, versions }).find((entry) => entry.path === "README.md")!.content;
    expect(calm).not.toContain("secretChecksumKey");
  });

  it("takes the versions this repository pins", () => {
    const root = JSON.parse(readFileSync(new URL("../../../../package.json", import.meta.url), "utf8"));
    const sdk = JSON.parse(readFileSync(new URL("../../../../sdk/package.json", import.meta.url), "utf8"));
    expect(repositoryVersions()).toEqual({
      sdk: sdk.version,
      pulumi: root.devDependencies["@pulumi/pulumi"],
      kubernetes: root.devDependencies["@pulumi/kubernetes"],
      typescript: root.devDependencies.typescript,
      typesNode: root.devDependencies["@types/node"],
    });
  });

  it("packs the files as a tar.gz of one directory named after the project", async () => {
    const archive = await exportArchive("shop", files, new Date("2026-12-01T12:00:00Z"));
    expect([...archive.subarray(0, 2)]).toEqual([0x1f, 0x8b]);
    for (const secret of SECRETS) expect(gunzipSync(archive).includes(secret)).toBe(false);
    const entries: { path: string; type: string; size: number; mode: number }[] = [];
    const reader = list({ onReadEntry: (entry) => entries.push({ path: entry.path, type: entry.type, size: entry.size, mode: entry.mode ?? 0 }) });
    await new Promise<void>((resolve, reject) => reader.on("end", resolve).on("error", reject).end(archive));
    expect(entries[0]).toEqual({ path: "shop/", type: "Directory", size: 0, mode: 0o755 });
    expect(entries.slice(1)).toEqual(files.map((entry) => ({ path: `shop/${entry.path}`, type: "File", size: Buffer.byteLength(entry.content), mode: 0o644 })));
  });
});
