import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { parseAllDocuments, stringify } from "yaml";
import type { IngressObject, KubernetesObject, NetworkPolicyObject } from "./kubernetes.js";
import { INVALID_SPECS } from "./spec/invalid-specs.fixture.js";
import { runBabyhelm } from "./test-support/run-cli.js";
import { EVERY_FIELD_SPEC } from "./test-support/specs.js";
import { renderProject } from "./render/render.js";
import { tempDir } from "../../test/support/temp-dir.js";

// Every test starts the real CLI, some three times (Node, tsx, the SDK): seconds each, more on a loaded CI machine.
vi.setConfig({ testTimeout: 120_000 });

const workDir = tempDir("cli");
const specFile = join(workDir, "spec.yaml");
writeFileSync(specFile, stringify(EVERY_FIELD_SPEC));
const STACK_FRAME = /^\s+at .+\(?.+:\d+:\d+\)?$/m;

describe("babyhelm validate", () => {
  it("prints a one-line summary and exits 0 for a valid spec", async () => {
    const result = await runBabyhelm(["validate", "-f", specFile]);
    expect(result).toEqual({ code: 0, stdout: `${specFile}: project "shop" is valid (3 apps, 18 Kubernetes objects)\n`, stderr: "" });
  });

  it("reads the spec from standard input with -f -", async () => {
    const result = await runBabyhelm(["validate", "-f", "-"], { stdin: JSON.stringify({ name: "shop" }) });
    expect(result).toEqual({ code: 0, stdout: '<stdin>: project "shop" is valid (0 apps, 8 Kubernetes objects)\n', stderr: "" });
  });

  describe.concurrent(`exits 1 with every problem, one per line, for ${INVALID_SPECS.length} invalid specs`, () => {
    for (const invalid of INVALID_SPECS) {
      it(invalid.title, async () => {
        const result = await runBabyhelm(["validate", "-f", "-"], { stdin: invalid.yaml });
        expect(result.code).toBe(1);
        expect(result.stdout).toBe("");
        for (const expected of invalid.expected) expect(result.stderr).toContain(expected);
        for (const line of result.stderr.trimEnd().split("\n")) expect(line).toMatch(/^<stdin>: (spec|line \d+, column \d+|[\w[\]".-]+): ./);
        expect(result.stderr).not.toMatch(STACK_FRAME);
      });
    }
  });

  it("exits 1 with a clear message for a file that cannot be read", async () => {
    const result = await runBabyhelm(["validate", "-f", join(workDir, "missing.yaml")]);
    expect(result).toEqual({ code: 1, stdout: "", stderr: `babyhelm: cannot read ${join(workDir, "missing.yaml")}: no such file\n` });
  });

  it.each([
    [[], "missing command"],
    [["frobnicate", "-f", "x"], 'unknown command "frobnicate"'],
    [["validate"], "validate needs -f FILE"],
    [["render", "--bogus", "-f", "x"], "Unknown option '--bogus'"],
    [["validate", "-f", "x", "--show-secrets"], "--show-secrets only applies to render"],
    [["validate", "-f", "x", "--secret-checksum-key-env", "KEY"], "--secret-checksum-key-env only applies to render"],
  ])("exits 2 with the usage for wrong usage: %j", async (args, message) => {
    const result = await runBabyhelm(args as string[]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`babyhelm: ${message}`);
    expect(result.stderr).toContain("Usage:");
  });
});

describe("babyhelm render", () => {
  it("prints exactly the objects of renderProject as YAML documents, Secret values masked", async () => {
    const result = await runBabyhelm(["render", "-f", specFile]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    expect(result.stdout).not.toContain("s3cr3t-value");
    const documents = parseAllDocuments(result.stdout).map((document) => document.toJS());
    const expected = (await renderProject(EVERY_FIELD_SPEC)).map((object) => (object.kind === "Secret" ? { ...object, stringData: { API_KEY: "********" } } : object));
    expect(documents).toEqual(expected);
  });

  it("keys the secret checksum with the variable --secret-checksum-key-env names, as a deploy with that key; without it renders a marked placeholder", async () => {
    const key = "cli-test-secret-checksum-key-0123";
    const env = { ...process.env, BH_CHECKSUM_KEY: key };
    const checksums = (stdout: string) =>
      parseAllDocuments(stdout)
        .map((document) => document.toJS())
        .filter((object) => object.kind === "Deployment")
        .map((object) => object.spec.template.metadata.annotations?.["babyhelm.io/secret-env-checksum"])
        .filter(Boolean);
    const keyed = await runBabyhelm(["render", "-f", specFile, "--secret-checksum-key-env", "BH_CHECKSUM_KEY"], { env });
    expect(keyed.code, keyed.stderr).toBe(0);
    const deployed = (await renderProject(EVERY_FIELD_SPEC, { secretChecksumKey: key }))
      .filter((object) => object.kind === "Deployment")
      .map((object) => object.spec!.template.metadata!.annotations?.["babyhelm.io/secret-env-checksum"])
      .filter(Boolean);
    expect(checksums(keyed.stdout)).toEqual(deployed);
    expect(keyed.stdout).not.toContain(key);
    expect(keyed.stdout).not.toContain("placeholder");

    const unkeyed = await runBabyhelm(["render", "-f", specFile]);
    expect(checksums(unkeyed.stdout)).toEqual(["unkeyed"]);
    expect(unkeyed.stdout).toContain("# babyhelm.io/secret-env-checksum is a placeholder: rendered without the deploy's key; render with --secret-checksum-key-env VAR");

    const unset = await runBabyhelm(["render", "-f", specFile, "--secret-checksum-key-env", "BH_NOT_SET"], { env });
    expect(unset).toEqual({ code: 1, stdout: "", stderr: "babyhelm: --secret-checksum-key-env BH_NOT_SET: the environment variable BH_NOT_SET is not set\n" });
    const short = await runBabyhelm(["render", "-f", specFile, "--secret-checksum-key-env", "BH_SHORT"], { env: { ...env, BH_SHORT: "abc" } });
    expect(short.code).toBe(1);
    expect(short.stderr).toContain("babyhelm: --secret-checksum-key-env BH_SHORT: the key is too short (3 characters)");
  });

  it("prints Secret values with --show-secrets", async () => {
    const result = await runBabyhelm(["render", "-f", specFile, "--show-secrets"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("API_KEY: s3cr3t-value");
  });

  it("applies platform flags such as the ingress class and TLS issuer", async () => {
    const publicSpec = join(workDir, "public.yaml");
    writeFileSync(publicSpec, stringify({ name: "shop", apps: [{ name: "web", image: "nginx", port: 80, domain: "shop.example.com" }] }));
    const result = await runBabyhelm(["render", "-f", publicSpec, "--ingress-class", "traefik", "--tls-issuer", ""]);
    const ingress = parseAllDocuments(result.stdout)
      .map((document) => document.toJS())
      .find((object) => object.kind === "Ingress");
    expect(ingress.spec.ingressClassName).toBe("traefik");
    expect(ingress.spec.tls).toBeUndefined();
  });

  it("renders private apps with the private ingress class, which --private-ingress-class and --private-ingress-namespace set", async () => {
    const spec = {
      name: "shop",
      apps: [
        { name: "web", image: "nginx", port: 80, domain: "shop.example.com" },
        { name: "admin", image: "nginx", port: 80, domain: "admin.example.com", visibility: "private" },
      ],
    };
    const objectsOf = (stdout: string) => parseAllDocuments(stdout).map((document) => document.toJS() as KubernetesObject);
    const classes = (objects: KubernetesObject[]) =>
      Object.fromEntries(objects.filter((object): object is IngressObject => object.kind === "Ingress").map((object) => [object.metadata.name, object.spec?.ingressClassName]));
    const controllers = (objects: KubernetesObject[]) =>
      objects
        .find((object): object is NetworkPolicyObject => object.kind === "NetworkPolicy" && object.metadata.name === "allow-from-ingress-controller")
        ?.spec?.ingress?.[0]?.from?.map((peer) => peer.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"]);

    const defaults = await runBabyhelm(["render", "-f", "-"], { stdin: JSON.stringify(spec) });
    expect(defaults.code, defaults.stderr).toBe(0);
    expect(classes(objectsOf(defaults.stdout))).toEqual({ web: "nginx", admin: "nginx-internal" });
    expect(controllers(objectsOf(defaults.stdout))).toEqual(["ingress-nginx"]);

    const flagged = await runBabyhelm(["render", "-f", "-", "--private-ingress-class", "vpn", "--private-ingress-namespace", "vpn-ingress"], { stdin: JSON.stringify(spec) });
    expect(flagged.code, flagged.stderr).toBe(0);
    expect(classes(objectsOf(flagged.stdout))).toEqual({ web: "nginx", admin: "vpn" });
    expect(controllers(objectsOf(flagged.stdout))).toEqual(["ingress-nginx", "vpn-ingress"]);

    const same = await runBabyhelm(["render", "-f", "-", "--private-ingress-class", "nginx"], { stdin: JSON.stringify(spec) });
    expect(same).toMatchObject({ code: 1, stdout: "" });
    expect(same.stderr).toContain('platform.privateIngressClassName: "nginx" is also the public ingressClassName');
  });
});
