/**
 * A project's export deployed the way its README says, with the real Pulumi CLI and language host against
 * the test run's local cluster: downloaded from the portal, unpacked, the packed SDK installed, compiled,
 * the secret set with `pulumi config set --secret`, `pulumi up`; then what the cluster holds, and destroy.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { AppsV1Api, CoreV1Api } from "@kubernetes/client-node";
import { secretEnvChecksum } from "@babyhelm/sdk";
import { afterAll, describe, expect, it } from "vitest";
import { pulumiCli, type PulumiCli } from "../../../../test/support/pulumi-cli.js";
import { tempDir } from "../../../../test/support/temp-dir.js";
import { namespaceExists, realPlatform } from "../test-support/cluster.js";
import { downloadExport, prepareExport, unpack } from "../test-support/exported-project.js";
import { signUp, startTestPortal, type TestPortal } from "../test-support/portal.js";
import { createProject } from "../test-support/projects.js";

// Unique: the test cluster is shared by the whole run.
const PROJECT = `eject-${randomBytes(3).toString("hex")}`;
const SECRET = `real-export-secret-${randomBytes(4).toString("hex")}`;
let portal: TestPortal | undefined;
let cli: PulumiCli | undefined;
let repoDir: string | undefined;
let deployed = false;

afterAll(async () => {
  // A failed check must not leave the project in the shared cluster.
  if (deployed && cli && repoDir) await cli.run(["destroy", "--yes", "--skip-preview", "--stack", "dev"], repoDir).catch(() => undefined);
  await portal?.stop();
}, 300_000);

describe.skipIf(!realPlatform)("an exported project with the real `pulumi up` against the local cluster", () => {
  it("deploys as its README says: the namespace, the Deployments and the secret from the stack's config", async () => {
    const platform = realPlatform!;
    portal = await startTestPortal({ env: { DEPLOY_ENGINE: "mock" } });
    const cookie = await signUp(portal, "owner@example.com");
    await createProject(portal, cookie, PROJECT, [
      { name: "web", image: "nginx:1.27", port: 80, replicas: 2, secretEnv: { API_KEY: SECRET } },
      { name: "worker", image: "busybox:1.36", command: ["sleep", "3600"] },
    ]);
    const download = await downloadExport(portal, PROJECT, cookie);
    expect(download.status).toBe(200);
    const scratch = tempDir("real-export");
    await unpack(download.body, scratch);
    repoDir = join(scratch, PROJECT);
    await prepareExport(repoDir, scratch);

    cli = pulumiCli(platform);
    await cli.run(["stack", "init", "dev", "--secrets-provider", "passphrase"], repoDir);
    // The README's line, with the value given (a test has no one to type it).
    const readme = readFileSync(join(repoDir, "README.md"), "utf8");
    expect(readme).toContain("pulumi config set --secret web.API_KEY\n");
    await cli.run(["config", "set", "--secret", "web.API_KEY", SECRET, "--stack", "dev"], repoDir);
    // And the stack's own key of the secret checksum, its `openssl rand -hex 32` done here.
    expect(readme).toContain('pulumi config set --secret babyhelm:secretChecksumKey "$(openssl rand -hex 32)"\n');
    const checksumKey = randomBytes(32).toString("hex");
    await cli.run(["config", "set", "--secret", "babyhelm:secretChecksumKey", checksumKey, "--stack", "dev"], repoDir);
    expect(readFileSync(join(repoDir, "Pulumi.dev.yaml"), "utf8")).not.toContain(SECRET);
    expect(readFileSync(join(repoDir, "Pulumi.dev.yaml"), "utf8")).not.toContain(checksumKey);

    deployed = true;
    const up = await cli.run(["up", "--yes", "--skip-preview", "--stack", "dev"], repoDir);
    expect(up.stdout).toMatch(/\+ +\d+ created/);
    expect(up.stdout + up.stderr).not.toContain(SECRET);
    const outputs = JSON.parse((await cli.run(["stack", "output", "--json", "--stack", "dev"], repoDir)).stdout);
    expect(outputs).toEqual({ namespace: PROJECT, apps: ["web", "worker"], urls: { web: `http://web.${PROJECT}.svc.cluster.local:80` } });

    expect(await namespaceExists(platform.kube, PROJECT)).toBe(true);
    const apps = platform.kube.makeApiClient(AppsV1Api);
    const web = await apps.readNamespacedDeployment({ name: "web", namespace: PROJECT });
    expect(web.status?.availableReplicas).toBe(2);
    expect(web.spec!.template.metadata!.annotations!["babyhelm.io/secret-env-checksum"]).toBe(secretEnvChecksum(checksumKey, PROJECT, "web", { API_KEY: SECRET }));
    expect((await apps.readNamespacedDeployment({ name: "worker", namespace: PROJECT })).status?.availableReplicas).toBe(1);
    const secret = await platform.kube.makeApiClient(CoreV1Api).readNamespacedSecret({ name: "web-env", namespace: PROJECT });
    expect(Buffer.from(secret.data!.API_KEY!, "base64").toString()).toBe(SECRET);
    // The state holds the secret only encrypted.
    const state = readFileSync(join(cli.stateDir, ".pulumi", "stacks", PROJECT, "dev.json"), "utf8");
    expect(state).not.toContain(SECRET);
    expect(state).not.toContain(Buffer.from(SECRET).toString("base64"));

    await cli.run(["destroy", "--yes", "--skip-preview", "--stack", "dev"], repoDir);
    deployed = false;
    expect(await namespaceExists(platform.kube, PROJECT)).toBe(false);
    await cli.run(["stack", "rm", "dev", "--yes"], repoDir);
  }, 600_000);
});
