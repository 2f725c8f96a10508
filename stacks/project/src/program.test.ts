import { writeFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { renderProject, type DeploymentObject, type KubernetesObject } from "@babyhelm/sdk";
import { describe, expect, it } from "vitest";
import { recordResources, revealSecrets } from "../../../sdk/src/test-support/pulumi-mocks.js";
import { readProjectConfig } from "./config.js";
import { buildProjectStack, createProjectProgram } from "./program.js";
import { tempDir } from "../../../test/support/temp-dir.js";

const spec = {
  name: "shop",
  apps: [{ name: "web", image: "nginx:1.27", port: 80, secretEnv: { API_KEY: "s3cr3t" } }],
};

function withConfig(values: Record<string, unknown>, secretKeys: string[] = []) {
  pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(values).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)])), secretKeys);
}

const KEY = "stack-test-secret-checksum-key-0123";
const checksumOf = (objects: unknown[]) =>
  (objects as KubernetesObject[]).find((object): object is DeploymentObject => object.kind === "Deployment")?.spec?.template.metadata?.annotations?.[
    "babyhelm.io/secret-env-checksum"
  ];

describe("stacks/project", () => {
  it("builds the Project of the spec in babyhelm:spec, secret leaves included, the checksum keyed by babyhelm:secretChecksumKey", async () => {
    withConfig({ "babyhelm:spec": spec, "babyhelm:secretChecksumKey": KEY }, ["babyhelm:spec", "babyhelm:secretChecksumKey"]);
    let outputs: ReturnType<typeof buildProjectStack> | undefined;
    const recorded = await recordResources(() => (outputs = buildProjectStack(readProjectConfig())));
    const objects = recorded.filter((resource) => resource.custom && !resource.type.startsWith("pulumi:providers:"));
    const created = objects.map((resource) => revealSecrets(resource.inputs).value);
    // One provider, which updates Secrets and ConfigMaps in place instead of replacing them.
    expect(recorded.filter((resource) => resource.type === "pulumi:providers:kubernetes").map((resource) => resource.inputs)).toEqual([
      expect.objectContaining({ enableSecretMutable: "true", enableConfigMapMutable: "true" }),
    ]);
    const rendered = await renderProject(spec, { secretChecksumKey: KEY });
    expect(created).toHaveLength(rendered.length);
    expect(created).toEqual(expect.arrayContaining(rendered));
    expect(checksumOf(created)).toMatch(/^[0-9a-f]{64}$/);
    expect(outputs!.apps).toEqual(["web"]);
    expect(outputs!.urls).toEqual({ web: "http://web.shop.svc.cluster.local:80" });
    await expect(new Promise((resolve) => outputs!.namespace.apply(resolve))).resolves.toBe("shop");
  });

  it("reads babyhelm:specFile relative to the project directory", () => {
    const dir = tempDir("stack");
    writeFileSync(join(dir, "shop.yaml"), "name: shop\napps:\n  - { name: web, image: nginx }\n");
    withConfig({ "babyhelm:specFile": "shop.yaml", "babyhelm:platform": { ingressClassName: "traefik" } });
    const args = readProjectConfig(new pulumi.Config("babyhelm"), dir);
    expect(args.platform).toEqual({ ingressClassName: "traefik" });
    expect((args.spec as { apps: unknown[] }).apps).toHaveLength(1);
  });

  it("explains what to set when the spec is missing, doubled, unreadable or invalid", () => {
    const dir = tempDir("stack");
    writeFileSync(join(dir, "bad.yaml"), "name: Shop\n");
    const read = () => readProjectConfig(new pulumi.Config("babyhelm"), dir);

    withConfig({});
    expect(read).toThrow("No project spec: set babyhelm:specFile");
    withConfig({ "babyhelm:spec": spec, "babyhelm:specFile": "x.yaml" });
    expect(read).toThrow("Set either babyhelm:spec or babyhelm:specFile, not both");
    withConfig({ "babyhelm:specFile": "missing.yaml" });
    expect(read).toThrow(`babyhelm:specFile: cannot read ${join(dir, "missing.yaml")}: ENOENT`);
    withConfig({ "babyhelm:specFile": "bad.yaml" });
    expect(read).toThrow(/bad\.yaml is invalid:\n {2}name: "Shop" is not a valid name/);
  });

  it("stops a spec with secrets when the stack has no babyhelm:secretChecksumKey, with the command that sets one", async () => {
    withConfig({ "babyhelm:spec": spec }, ["babyhelm:spec"]);
    const error = await recordResources(() => buildProjectStack(readProjectConfig())).then(
      () => undefined,
      (thrown: Error) => thrown.message,
    );
    expect(error).toContain('Project "shop" is invalid:\n  secretChecksumKey: is required for apps with secretEnv');
    expect(error).toContain('pulumi config set --secret babyhelm:secretChecksumKey "$(openssl rand -hex 32)"');
  });

  it("gives the portal an inline program that returns the same outputs, keyed with the key it is given", async () => {
    withConfig({});
    let outputs: Record<string, unknown> | undefined;
    const recorded = await recordResources(async () => (outputs = await createProjectProgram({ spec, secretChecksumKey: KEY })()));
    expect(recorded.filter((resource) => resource.type === "babyhelm:index:Project")).toHaveLength(1);
    expect(outputs).toMatchObject({ apps: ["web"] });
    const created = recorded.filter((resource) => resource.custom).map((resource) => revealSecrets(resource.inputs).value);
    expect(checksumOf(created)).toBe(checksumOf(await renderProject(spec, { secretChecksumKey: KEY })));
  });
});
