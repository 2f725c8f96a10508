/**
 * A project "ejected" as a ready `pulumi up` repository: what the files are (pure, from the spec the portal
 * deploys), and the tar.gz that `GET /api/projects/:name/export` answers with them. Secret values never get
 * in: spec.yaml keeps the names with `********`, and the program reads each value from the stack's config.
 * Nor does the portal's key of the secret checksum (derived from SECRETS_KEY): the stack keys it with a
 * random `babyhelm:secretChecksumKey` of its own, which the README has the user set once.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { MASKED_SECRET_VALUE, SDK_VERSION, SECRET_CHECKSUM_KEY_COMMAND, type PlatformOptions, type ProjectSpec } from "@babyhelm/sdk";
import { Header, Pack, ReadEntry } from "tar";
import { Document } from "yaml";

export interface ExportFile {
  /** Relative to the repository's root, e.g. `spec.yaml`. */
  path: string;
  content: string;
}

/** The exact versions the exported package.json pins. */
export interface ExportVersions {
  sdk: string;
  pulumi: string;
  kubernetes: string;
  typescript: string;
  typesNode: string;
}

export interface ExportInput {
  /** The project's spec as the portal deploys it; its secret values are ignored (masked or not). */
  spec: ProjectSpec;
  /** The portal's platform options (its `PLATFORM_*` settings), so the program builds what the portal would. */
  platform: PlatformOptions;
  versions: ExportVersions;
}

/** A secret variable of an app and the stack config key its value comes from. */
export interface ExportSecret {
  app: string;
  variable: string;
  /** `<app>.<VARIABLE>`: a dot is in neither an app name nor a variable name, so keys never collide. */
  key: string;
}

export function exportSecrets(spec: ProjectSpec): ExportSecret[] {
  return spec.apps.flatMap((app) => Object.keys(app.secretEnv ?? {}).map((variable) => ({ app: app.name, variable, key: `${app.name}.${variable}` })));
}

/** The repository's files, in the order a reader would open them. */
export function projectExportFiles({ spec, platform, versions }: ExportInput): ExportFile[] {
  const secrets = exportSecrets(spec);
  return [
    { path: "README.md", content: readme(spec, platform, secrets, versions) },
    { path: "spec.yaml", content: specYaml(spec) },
    { path: "index.ts", content: program(platform) },
    { path: "package.json", content: `${JSON.stringify(packageJson(spec.name, versions), null, 2)}\n` },
    { path: "Pulumi.yaml", content: pulumiYaml(spec) },
    { path: "tsconfig.json", content: `${JSON.stringify(TSCONFIG, null, 2)}\n` },
    { path: ".gitignore", content: "node_modules/\ndist/\n" },
  ];
}

function specYaml(spec: ProjectSpec): string {
  const masked = {
    ...spec,
    apps: spec.apps.map((app) => (app.secretEnv ? { ...app, secretEnv: Object.fromEntries(Object.keys(app.secretEnv).map((variable) => [variable, MASKED_SECRET_VALUE])) } : app)),
  };
  // YAML 1.2, as the SDK reads it, quoting every string a YAML 1.1 reader would take for another type too
  // (`LOG_COLOR: "on"`).
  const document = new Document(masked, { aliasDuplicateObjects: false, compat: "yaml-1.1" });
  document.commentBefore =
    ` The BabyHelm project "${spec.name}" (ProjectSpec, DESIGN.md §3); \`npx babyhelm validate -f spec.yaml\` checks it.\n` +
    ` secretEnv lists names only: index.ts takes each value from the stack's config (README.md).`;
  return document.toString({ lineWidth: 0 });
}

function program(platform: PlatformOptions): string {
  return `/**
 * A BabyHelm project as a Pulumi program: spec.yaml says what runs (edit it, then \`pulumi up\`), and
 * @babyhelm/sdk's Project creates exactly the objects the BabyHelm portal would deploy for it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { parseProjectSpecText, Project, type PlatformOptions } from "@babyhelm/sdk";

/** How the cluster around the project is set up (ingress classes, namespaces, TLS issuer); the SDK's defaults where left out. */
const platform: PlatformOptions = ${JSON.stringify(platform)};

// From the project directory (where Pulumi.yaml is): Pulumi runs the program in the directory of main, dist/.
const spec = parseProjectSpecText(readFileSync(join(pulumi.runtime.getRootDirectory(), "spec.yaml"), "utf8"), "spec.yaml");

// spec.yaml names the secret variables; each value is the stack's config "<app>.<VARIABLE>", set with
// \`pulumi config set --secret\`, which Pulumi keeps encrypted. The SDK takes the values as plain strings
// and marks the Kubernetes Secret's data secret, so they are encrypted in the state and masked in output.
const config = new pulumi.Config();
const missing: string[] = [];
for (const app of spec.apps) {
  const secretEnv = app.secretEnv ?? {};
  for (const variable of Object.keys(secretEnv)) {
    const value = config.get(\`\${app.name}.\${variable}\`);
    if (value === undefined) missing.push(\`pulumi config set --secret \${app.name}.\${variable}\`);
    else secretEnv[variable] = value;
  }
}
// Pods restart on a secret change through a checksum of the values on their template, which anyone who can
// read the Deployment sees: an HMAC keyed with this stack's own random key, so nobody without it can check
// a guess of a secret against it. Set once per stack; a new key restarts the pods with secrets once.
const secretChecksumKey = new pulumi.Config("babyhelm").get("secretChecksumKey");
if (secretChecksumKey === undefined && spec.apps.some((app) => Object.keys(app.secretEnv ?? {}).length > 0)) {
  missing.push(${JSON.stringify(SECRET_CHECKSUM_KEY_COMMAND)});
}
if (missing.length > 0) {
  throw new Error(\`Values missing from this stack's config; set each one (without a value on the line, it prompts for it):\\n\${missing.map((command) => \`  \${command}\`).join("\\n")}\`);
}

// Secrets and ConfigMaps are updated in place: by default a change replaces them (delete, then create),
// and pods starting in between would miss their keys.
const provider = new k8s.Provider("kubernetes", { enableSecretMutable: true, enableConfigMapMutable: true });
const project = new Project(spec.name, { spec, platform, secretChecksumKey }, { providers: [provider] });

export const namespace = project.namespaceName;
export const apps = Object.keys(project.apps);
export const urls = project.urls;
`;
}

function packageJson(name: string, versions: ExportVersions) {
  return {
    name,
    private: true,
    description: `The BabyHelm project ${name} as a Pulumi program`,
    type: "module",
    main: "dist/index.js",
    engines: { node: ">=20.19" },
    scripts: { build: "tsc" },
    dependencies: {
      "@babyhelm/sdk": versions.sdk,
      "@pulumi/kubernetes": versions.kubernetes,
      "@pulumi/pulumi": versions.pulumi,
    },
    devDependencies: {
      "@types/node": versions.typesNode,
      typescript: versions.typescript,
    },
  };
}

function pulumiYaml(spec: ProjectSpec): string {
  return [
    `name: ${spec.name}`,
    `description: The BabyHelm project ${spec.name}, from spec.yaml`,
    "runtime:",
    "  name: nodejs",
    "  options:",
    "    # TypeScript compiled ahead of time (`npm run build`): no ts-node at deploy time.",
    "    typescript: false",
    "main: dist/index.js",
    "",
  ].join("\n");
}

const TSCONFIG = {
  compilerOptions: {
    target: "ES2022",
    lib: ["ES2023"],
    module: "NodeNext",
    moduleResolution: "NodeNext",
    strict: true,
    outDir: "dist",
    rootDir: ".",
    sourceMap: true,
    types: ["node"],
    skipLibCheck: true,
  },
  include: ["index.ts"],
};

/** The CLI's flag of each platform option. */
const PLATFORM_FLAGS: Record<keyof PlatformOptions, string> = {
  ingressNamespace: "--ingress-namespace",
  monitoringNamespace: "--monitoring-namespace",
  ingressClassName: "--ingress-class",
  privateIngressClassName: "--private-ingress-class",
  privateIngressNamespace: "--private-ingress-namespace",
  tlsClusterIssuer: "--tls-issuer",
};

/**
 * `babyhelm render` of spec.yaml with the program's platform options (names, or "" for no TLS issuer); with
 * secrets, keyed with the stack's checksum key (from the environment: never on a command line) so it renders
 * the annotation `pulumi up` sets.
 */
function renderCommand(platform: PlatformOptions, keyed: boolean): string {
  const flags = (Object.keys(PLATFORM_FLAGS) as (keyof PlatformOptions)[])
    .filter((key) => platform[key] !== undefined)
    .map((key) => `${PLATFORM_FLAGS[key]} ${platform[key] === "" ? '""' : platform[key]}`);
  const render = ["npx babyhelm render -f spec.yaml", ...flags].join(" ");
  return keyed ? `BABYHELM_SECRET_CHECKSUM_KEY="$(pulumi config get babyhelm:secretChecksumKey)" ${render} --secret-checksum-key-env BABYHELM_SECRET_CHECKSUM_KEY` : render;
}

function readme(spec: ProjectSpec, platform: PlatformOptions, secrets: ExportSecret[], versions: ExportVersions): string {
  const tarball = `babyhelm-sdk-${versions.sdk}.tgz`;
  const title = spec.displayName ? `${spec.displayName} (${spec.name})` : spec.name;
  const secretSection =
    secrets.length === 0
      ? ["This project has no secret variables, so the stack needs no config."]
      : [
          "The values of secret variables (`secretEnv`) are not in this repository: spec.yaml names them with",
          "`********`. Set each one in the stack's config; Pulumi keeps it encrypted in `Pulumi.<stack>.yaml`",
          "(safe to commit), and without them `pulumi up` stops and lists the missing ones. Without a value on",
          "the command line, `pulumi config set` prompts for it, which keeps it out of your shell history:",
          "",
          "```sh",
          ...secrets.map((secret) => `pulumi config set --secret ${secret.key}`),
          "```",
          "",
          "A new secret variable: add its name to the app's `secretEnv` in spec.yaml (any value, e.g. `********`),",
          "then set its value the same way.",
          "",
          "Pods restart when a secret value changes, through a checksum of the values on their template",
          "(`babyhelm.io/secret-env-checksum`). Whoever can read the Deployment sees it, so it is an HMAC keyed",
          "with a random key of the stack's own (not the portal's, which stays in the portal). Set it once; without",
          "it `pulumi up` stops and names this command too:",
          "",
          "```sh",
          SECRET_CHECKSUM_KEY_COMMAND,
          "```",
        ];
  return [
    `# ${title}`,
    "",
    `The BabyHelm project \`${spec.name}\`, exported from the portal as a Pulumi program that needs no portal:`,
    "`spec.yaml` says what runs, and `index.ts` hands it to `@babyhelm/sdk`'s `Project`, the component the",
    "portal deploys with, so `pulumi up` creates the same Kubernetes objects the portal would.",
    "",
    "| file | |",
    "|---|---|",
    "| `spec.yaml` | the project (namespace, quota, apps) as a ProjectSpec; edit it, then `pulumi up` |",
    "| `index.ts` | the Pulumi program; `platform` in it holds the portal's cluster settings (ingress classes, namespaces, TLS issuer) |",
    "| `package.json` | pinned versions of the SDK, Pulumi and TypeScript |",
    "| `Pulumi.yaml`, `tsconfig.json` | Node.js runtime running the compiled `dist/index.js` |",
    "",
    "## Secrets",
    "",
    ...secretSection,
    "",
    "## Run it",
    "",
    "Needs Node.js 20.19 or later, the Pulumi CLI and a kubeconfig for the cluster (the current context,",
    `or \`KUBECONFIG\`). Until \`@babyhelm/sdk\` is published, build its package in the BabyHelm repository`,
    `(\`npm ci && npm pack -w sdk\`, which writes \`${tarball}\`) and install it from the file:`,
    "",
    "```sh",
    `npm install ./${tarball}   # later: npm install`,
    "npm run build                          # again after changing index.ts (spec.yaml is read at deploy time)",
    "pulumi login --local                   # or your backend",
    "pulumi stack init dev",
    ...secrets.map((secret) => `pulumi config set --secret ${secret.key}`),
    ...(secrets.length > 0 ? [SECRET_CHECKSUM_KEY_COMMAND] : []),
    "pulumi preview",
    "pulumi up",
    `${renderCommand(platform, secrets.length > 0)}   # the same objects, offline`,
    "```",
    "",
    "The stack outputs `namespace`, `apps` and `urls` (in-cluster addresses of the apps with a port).",
    "",
    "This program creates the objects itself, under the same names the portal uses: it does not take over",
    "what the portal runs now. Deploy it to another cluster, or under another project `name` in spec.yaml.",
    "",
  ].join("\n");
}

/** The versions of this repository: the SDK's own, and what the root package.json pins (exactly) for the rest. */
export function repositoryVersions(): ExportVersions {
  // A path, not a file: URL: under happy-dom (the web specs start a portal) URL is the DOM's, which fs refuses.
  const root = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), "../../../../package.json"), "utf8")) as { devDependencies: Record<string, string> };
  const pinned = (name: string) => {
    const version = root.devDependencies[name];
    if (!version || !/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version)) {
      throw new Error(`The root package.json must pin ${name} to an exact version for project exports; it has ${JSON.stringify(version)}`);
    }
    return version;
  };
  return {
    sdk: SDK_VERSION,
    pulumi: pinned("@pulumi/pulumi"),
    kubernetes: pinned("@pulumi/kubernetes"),
    typescript: pinned("typescript"),
    typesNode: pinned("@types/node"),
  };
}

/** The files as a tar.gz of one directory `<directory>/` (portable: no owner, user or group). */
export async function exportArchive(directory: string, files: ExportFile[], mtime: Date): Promise<Buffer> {
  const pack = new Pack({ gzip: true, portable: true });
  const chunks: Buffer[] = [];
  pack.on("data", (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    pack.on("end", resolve);
    pack.on("error", reject);
  });
  const add = (path: string, type: "Directory" | "File", mode: number, body?: Buffer) => {
    const entry = new ReadEntry(new Header({ path, type, mode, size: body?.length ?? 0, mtime }));
    if (body) entry.end(body);
    else entry.end();
    pack.add(entry);
  };
  add(`${directory}/`, "Directory", 0o755);
  for (const file of files) add(`${directory}/${file.path}`, "File", 0o644, Buffer.from(file.content, "utf8"));
  pack.end();
  await ended;
  return Buffer.concat(chunks);
}
