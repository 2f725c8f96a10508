/**
 * `stacks/project` as a user runs it: the real Pulumi CLI and language host, a file backend, a spec file,
 * against the test run's local cluster. What is checked is what the user would see in the cluster.
 */
import { randomBytes } from "node:crypto";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { AppsV1Api, CoreV1Api } from "@kubernetes/client-node";
import { secretEnvChecksum } from "@babyhelm/sdk";
import { afterAll, describe, expect, it } from "vitest";
import { namespaceExists, realPlatform } from "../portal/server/src/test-support/cluster.js";
import { pulumiCli, type PulumiCli } from "./support/pulumi-cli.js";

const projectDir = fileURLToPath(new URL("../stacks/project", import.meta.url));
const name = `pulumi-up-${randomBytes(3).toString("hex")}`;
const SECRET = "plain-pulumi-up-secret";
const CHECKSUM_KEY = randomBytes(32).toString("hex");
let cli: PulumiCli | undefined;

afterAll(() => {
  if (cli) rmSync(cli.stateDir, { recursive: true, force: true });
});

describe.skipIf(!realPlatform)("plain `pulumi up` of stacks/project against the local cluster", () => {
  it("deploys the project of a spec file, reports no change the second time, and destroys it", async () => {
    const platform = realPlatform!;
    cli = pulumiCli(platform);
    const configFile = join(cli.stateDir, "Pulumi.dev.yaml");
    const specFile = join(cli.stateDir, "spec.yaml");
    writeFileSync(
      specFile,
      [
        `name: ${name}`,
        "quota: { cpu: '1', memory: 1Gi, pods: 6 }",
        "apps:",
        `  - { name: web, image: nginx:1.27, port: 80, replicas: 2, secretEnv: { API_KEY: ${SECRET} } }`,
        "  - { name: worker, image: busybox:1.36, command: [sleep, '3600'] }",
        "",
      ].join("\n"),
    );
    const stack = ["--stack", "dev", "--config-file", configFile];
    await cli.run(["stack", "init", "dev", "--secrets-provider", "passphrase"], projectDir);
    // Relative, as a user writes it: babyhelm:specFile is read from the project directory (where Pulumi.yaml is).
    await cli.run(["config", "set", "babyhelm:specFile", relative(projectDir, specFile), ...stack], projectDir);
    // Apps with secrets need the stack's own key of the secret checksum; without it nothing is created.
    const unkeyed = await cli.run(["up", "--yes", "--skip-preview", ...stack], projectDir).then(
      () => "",
      (error: Error) => error.message,
    );
    expect(unkeyed).toContain('pulumi config set --secret babyhelm:secretChecksumKey "$(openssl rand -hex 32)"');
    expect(await namespaceExists(platform.kube, name)).toBe(false);
    await cli.run(["config", "set", "--secret", "babyhelm:secretChecksumKey", CHECKSUM_KEY, ...stack], projectDir);
    expect(readFileSync(configFile, "utf8")).not.toContain(CHECKSUM_KEY);

    const up = await cli.run(["up", "--yes", "--skip-preview", ...stack], projectDir);
    expect(up.stdout).toMatch(/\+ +\d+ created/);
    const outputs = JSON.parse((await cli.run(["stack", "output", "--json", "--stack", "dev"], projectDir)).stdout);
    expect(outputs).toMatchObject({ namespace: name, apps: ["web", "worker"] });

    const apps = platform.kube.makeApiClient(AppsV1Api);
    const core = platform.kube.makeApiClient(CoreV1Api);
    const web = await apps.readNamespacedDeployment({ name: "web", namespace: name });
    expect(web.status?.availableReplicas).toBe(2);
    // The pods' checksum is the HMAC under the stack's key: nobody without it can check a guess against it.
    expect(web.spec!.template.metadata!.annotations!["babyhelm.io/secret-env-checksum"]).toBe(secretEnvChecksum(CHECKSUM_KEY, name, "web", { API_KEY: SECRET }));
    expect((await apps.readNamespacedDeployment({ name: "worker", namespace: name })).status?.availableReplicas).toBe(1);
    const secret = await core.readNamespacedSecret({ name: "web-env", namespace: name });
    expect(Buffer.from(secret.data!.API_KEY!, "base64").toString()).toBe(SECRET);
    // The state holds the secret only encrypted.
    const state = readFileSync(join(cli.stateDir, ".pulumi", "stacks", "babyhelm-project", "dev.json"), "utf8");
    expect(state).not.toContain(SECRET);
    expect(state).not.toContain(Buffer.from(SECRET).toString("base64"));

    const again = await cli.run(["up", "--yes", "--skip-preview", ...stack], projectDir);
    expect(again.stdout).not.toMatch(/created|updated|deleted|replaced/);
    expect(again.stdout).toMatch(/\d+ unchanged/);

    await cli.run(["destroy", "--yes", "--skip-preview", ...stack], projectDir);
    expect(await namespaceExists(platform.kube, name)).toBe(false);
    await cli.run(["stack", "rm", "dev", "--yes"], projectDir);
  }, 300_000);
});
