/**
 * `GET /api/projects/:name/export` on a real portal (PostgreSQL): who may download it, what the archive
 * holds, and that it is a working Pulumi program: unpacked, installed with the packed SDK, type-checked and
 * compiled with its own pinned TypeScript, then run under Pulumi's mocks, it registers exactly the objects
 * `renderProject` renders for the project's spec, its secret taken from the stack's config.
 */
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { MASKED_SECRET_VALUE, parseProjectSpecText, renderProject, type DeploymentObject, type KubernetesObject, type ProjectSpec } from "@babyhelm/sdk";
import { projectSecretChecksumKey } from "../services/secret-checksum-key.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kubernetesTypeToken, revealSecrets } from "../../../../sdk/src/test-support/pulumi-mocks.js";
import { tempDir } from "../../../../test/support/temp-dir.js";
import { downloadExport, prepareExport, runExportUnderMocks, unpack, type Download } from "../test-support/exported-project.js";
import { signUp, startTestPortal, type TestPortal } from "../test-support/portal.js";
import { createProject } from "../test-support/projects.js";

const PROJECT = "eject";
const SECRET = "export-test-secret-9f3e";
/** The stack's own key of the secret checksum, as the README has the user set it. */
const STACK_CHECKSUM_KEY = "export-test-stack-checksum-key-5a1c";
let portal: TestPortal;
const cookies: Record<"owner" | "developer" | "viewer" | "stranger", string> = { owner: "", developer: "", viewer: "", stranger: "" };
let owners: Download;

beforeAll(async () => {
  portal = await startTestPortal({ env: { DEPLOY_ENGINE: "mock" } });
  for (const who of Object.keys(cookies) as (keyof typeof cookies)[]) cookies[who] = await signUp(portal, `${who}@example.com`);
  await createProject(portal, cookies.owner, PROJECT, [
    { name: "web", image: "nginx:1.27", port: 80, replicas: 2, env: { LOG_COLOR: "on" }, secretEnv: { API_KEY: SECRET }, healthCheck: { path: "/" } },
    { name: "worker", image: "busybox:1.36", command: ["sleep", "3600"] },
  ]);
  for (const role of ["developer", "viewer"]) {
    const added = await portal.request("POST", `/api/projects/${PROJECT}/members`, { cookie: cookies.owner, body: { email: `${role}@example.com`, role } });
    if (added.status !== 201) throw new Error(added.text);
  }
  owners = await downloadExport(portal, PROJECT, cookies.owner);
});
afterAll(async () => {
  await portal?.stop();
});

/** The project's spec as the portal deploys it, with the secret's real value (known to this test). */
async function deployedSpec(): Promise<ProjectSpec> {
  const masked = (await portal.request("GET", `/api/projects/${PROJECT}/spec`, { cookie: cookies.owner })).json as ProjectSpec;
  return { ...masked, apps: masked.apps.map((app) => (app.secretEnv ? { ...app, secretEnv: { API_KEY: SECRET } } : app)) };
}

describe("exporting a project as a pulumi up repository", () => {
  it("is for owners: a developer or viewer gets 403, a non-member 404, nobody 401", async () => {
    expect(owners.status).toBe(200);
    expect(owners.headers.get("content-type")).toBe("application/gzip");
    expect(owners.headers.get("content-disposition")).toBe(`attachment; filename="${PROJECT}.tar.gz"`);
    expect(owners.headers.get("cache-control")).toBe("no-store");
    const denied: Record<string, number> = {};
    for (const who of ["developer", "viewer", "stranger"] as const) {
      const answer = await portal.request("GET", `/api/projects/${PROJECT}/export`, { cookie: cookies[who] });
      denied[who] = answer.status;
      expect(answer.json.error.code, answer.text).toBe(who === "stranger" ? "not_found" : "forbidden");
    }
    denied.anonymous = (await portal.request("GET", `/api/projects/${PROJECT}/export`)).status;
    denied.missing = (await portal.request("GET", "/api/projects/no-such-project/export", { cookie: cookies.owner })).status;
    expect(denied).toEqual({ developer: 403, viewer: 403, stranger: 404, anonymous: 401, missing: 404 });
  });

  it("holds one directory named after the project, and no secret value anywhere, nor the portal's checksum key or SECRETS_KEY", async () => {
    const unpacked = gunzipSync(owners.body);
    expect(unpacked.includes(SECRET)).toBe(false);
    expect(unpacked.includes(Buffer.from(SECRET).toString("base64"))).toBe(false);
    const portalKey = projectSecretChecksumKey(portal.config.secretsKey, PROJECT);
    for (const key of [portalKey, portal.config.secretsKey.toString("base64"), portal.config.secretsKey.toString("hex")]) expect(unpacked.includes(key)).toBe(false);
    const dir = tempDir("export-contents");
    const paths = await unpack(owners.body, dir);
    expect(paths.sort()).toEqual([
      `${PROJECT}/`,
      ...[".gitignore", "Pulumi.yaml", "README.md", "index.ts", "package.json", "spec.yaml", "tsconfig.json"].map((file) => `${PROJECT}/${file}`),
    ]);
    expect(readdirSync(dir)).toEqual([PROJECT]);
    const read = (file: string) => readFileSync(join(dir, PROJECT, file), "utf8");
    // The spec the portal serves (secret values masked) is the spec the archive holds.
    const served = (await portal.request("GET", `/api/projects/${PROJECT}/spec`, { cookie: cookies.owner })).json;
    expect(parseProjectSpecText(read("spec.yaml"))).toEqual(served);
    expect(served.apps[0].secretEnv).toEqual({ API_KEY: MASKED_SECRET_VALUE });
    const keyCommand = 'pulumi config set --secret babyhelm:secretChecksumKey "$(openssl rand -hex 32)"';
    expect(read("README.md").match(/^pulumi config set --secret .*$/gm)).toEqual([
      "pulumi config set --secret web.API_KEY",
      keyCommand,
      "pulumi config set --secret web.API_KEY",
      keyCommand,
    ]);
  });

  describe("as a Pulumi program, with the packed SDK", () => {
    let repoDir: string;
    beforeAll(async () => {
      const scratch = tempDir("export-program");
      mkdirSync(join(scratch, "unpacked"));
      await unpack(owners.body, join(scratch, "unpacked"));
      repoDir = join(scratch, "unpacked", PROJECT);
      // Installs its pinned versions, then type-checks and compiles it with its own tsconfig and TypeScript.
      await prepareExport(repoDir, scratch);
    }, 300_000);

    it("type-checks against the shipped declarations, with the versions it pins", () => {
      const installed = (name: string) => JSON.parse(readFileSync(join(repoDir, "node_modules", name, "package.json"), "utf8")).version;
      const pinned = JSON.parse(readFileSync(join(repoDir, "package.json"), "utf8"));
      expect(pinned.dependencies["@babyhelm/sdk"]).toMatch(/^file:.*babyhelm-sdk-\d+\.\d+\.\d+\.tgz$/);
      for (const [name, version] of Object.entries({ ...pinned.devDependencies, ...pinned.dependencies })) {
        if (name !== "@babyhelm/sdk") expect(installed(name), name).toBe(version);
      }
      expect(readdirSync(join(repoDir, "node_modules", "@babyhelm", "sdk"))).not.toContain("src");
      expect(readdirSync(join(repoDir, "dist"))).toContain("index.js");
    });

    it("registers the same objects as renderProject, the secret and the checksum key from the stack's config", async () => {
      const { exports, objects } = await runExportUnderMocks(repoDir, PROJECT, { "web.API_KEY": SECRET, "babyhelm:secretChecksumKey": STACK_CHECKSUM_KEY });
      const rendered = await renderProject(await deployedSpec(), { platform: portal.config.platform, secretChecksumKey: STACK_CHECKSUM_KEY });
      const identity = (type: string, metadata: unknown) => {
        const { namespace, name } = metadata as { namespace?: string; name: string };
        return `${type} ${namespace ?? ""}/${name}`;
      };
      const created = objects.map((object) => revealSecrets(object.inputs).value as { metadata: unknown });
      expect(objects.map((object, index) => identity(object.type, created[index]!.metadata)).sort()).toEqual(
        rendered.map((object) => identity(kubernetesTypeToken(object), object.metadata)).sort(),
      );
      expect(created).toHaveLength(rendered.length);
      expect(created).toEqual(expect.arrayContaining(rendered));
      // The Secret's values stay secret for Pulumi: encrypted in state, masked in output.
      const secret = objects.find((object) => object.type === "kubernetes:core/v1:Secret")!;
      expect(revealSecrets(secret.inputs).secretPaths).toContain("stringData");
      expect(exports).toEqual({ namespace: PROJECT, apps: ["web", "worker"], urls: { web: `http://web.${PROJECT}.svc.cluster.local:80` } });
      // Keyed with the stack's key, not the portal's: the portal's manifests show another checksum.
      const stackChecksum = (created as unknown as KubernetesObject[]).find((object): object is DeploymentObject => object.kind === "Deployment" && object.metadata.name === "web")
        ?.spec?.template.metadata?.annotations?.["babyhelm.io/secret-env-checksum"];
      expect(stackChecksum).toMatch(/^[0-9a-f]{64}$/);
      const manifests = await portal.request("GET", `/api/projects/${PROJECT}/manifests`, { cookie: cookies.owner });
      expect(manifests.text).toContain("babyhelm.io/secret-env-checksum: ");
      expect(manifests.text).not.toContain(stackChecksum!);
    }, 120_000);

    it("stops before creating anything when a secret or the checksum key is not set, naming the commands that set them", async () => {
      const failure = await runExportUnderMocks(repoDir, PROJECT, {}).then(
        () => undefined,
        (error: { stderr?: string }) => error.stderr ?? "",
      );
      expect(failure).toContain("pulumi config set --secret web.API_KEY");
      expect(failure).toContain('pulumi config set --secret babyhelm:secretChecksumKey "$(openssl rand -hex 32)"');
    }, 120_000);
  });
});
