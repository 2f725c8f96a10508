import * as pulumi from "@pulumi/pulumi";
import { afterEach, describe, expect, it } from "vitest";
import { renderProject, UNKEYED_SECRET_CHECKSUM, type DeploymentObject, type KubernetesObject } from "../index.js";
import { EVERY_FIELD_SPEC } from "../test-support/specs.js";
import { kubernetesTypeToken, objectKey, recordResources, revealSecrets } from "../test-support/pulumi-mocks.js";
import { Project } from "./Project.js";

const KEY = "project-test-secret-checksum-key";
const checksumsOf = (objects: unknown[]) =>
  (objects as KubernetesObject[])
    .filter((object): object is DeploymentObject => object.kind === "Deployment")
    .map((object) => object.spec?.template.metadata?.annotations?.["babyhelm.io/secret-env-checksum"]);

describe("Project under Pulumi's mock runtime", () => {
  afterEach(() => pulumi.runtime.setAllConfig({}));

  it("creates exactly the objects renderProject returns with the same secret checksum key", async () => {
    const recorded = await recordResources(() => new Project("shop", { spec: EVERY_FIELD_SPEC, secretChecksumKey: KEY }));
    const created = recorded.filter((resource) => resource.custom);
    const rendered = await renderProject(EVERY_FIELD_SPEC, { secretChecksumKey: KEY });
    // Pulumi registers resources as their inputs resolve, so compare by identity, not by position.
    const byKey = <T>(items: T[], key: (item: T) => string) => [...items].sort((a, b) => key(a).localeCompare(key(b)));

    const createdSorted = byKey(created, (resource) => objectKey(resource.inputs));
    const renderedSorted = byKey(rendered, objectKey);
    expect(createdSorted.map((resource) => resource.type)).toEqual(renderedSorted.map(kubernetesTypeToken));
    const revealed = createdSorted.map((resource) => revealSecrets(resource.inputs));
    expect(revealed.map((resource) => resource.value)).toEqual(renderedSorted);
    expect(rendered).toHaveLength(18);
    expect(checksumsOf(rendered).filter(Boolean)).toEqual([expect.stringMatching(/^[0-9a-f]{64}$/)]);
  });

  it("keys the secret checksum with the stack's babyhelm:secretChecksumKey when given no key", async () => {
    pulumi.runtime.setAllConfig({ "babyhelm:secretChecksumKey": KEY }, ["babyhelm:secretChecksumKey"]);
    const recorded = await recordResources(() => new Project("shop", { spec: EVERY_FIELD_SPEC }));
    const created = recorded.filter((resource) => resource.custom).map((resource) => revealSecrets(resource.inputs).value);
    expect(checksumsOf(created).filter(Boolean)).toEqual(checksumsOf(await renderProject(EVERY_FIELD_SPEC, { secretChecksumKey: KEY })).filter(Boolean));
    expect(checksumsOf(created)).not.toContain(UNKEYED_SECRET_CHECKSUM);
  });

  it("refuses apps with secrets without a key, saying how to set one, and a key too short to be secret", () => {
    expect(() => new Project("shop", { spec: EVERY_FIELD_SPEC })).toThrow(
      /Project "shop" is invalid:\n {2}secretChecksumKey: is required for apps with secretEnv[^\n]*pulumi config set --secret babyhelm:secretChecksumKey "\$\(openssl rand -hex 32\)"/,
    );
    expect(() => new Project("shop", { spec: EVERY_FIELD_SPEC, secretChecksumKey: "too-short" })).toThrow("secretChecksumKey: is too short (9 characters)");
    pulumi.runtime.setAllConfig({ "babyhelm:secretChecksumKey": "too-short" }, ["babyhelm:secretChecksumKey"]);
    expect(() => new Project("shop", { spec: EVERY_FIELD_SPEC })).toThrow("babyhelm:secretChecksumKey: is too short (9 characters)");
  });

  it("needs no key for a project without secrets", async () => {
    const recorded = await recordResources(() => new Project("plain", { spec: { name: "plain", apps: [{ name: "web", image: "nginx:1.27" }] } }));
    expect(recorded.filter((resource) => resource.type === "kubernetes:apps/v1:Deployment")).toHaveLength(1);
  });

  it("names resources so that two projects in one stack never collide, even with look-alike names", async () => {
    const recorded = await recordResources(() => {
      new Project("a-b", { spec: { name: "a-b", apps: [{ name: "c", image: "nginx", port: 80 }] } });
      new Project("a", { spec: { name: "a", apps: [{ name: "b-c", image: "nginx", port: 80 }] } });
    });
    const identities = recorded.map((resource) => `${resource.type}::${resource.name}`);
    expect(identities.length).toBeGreaterThan(20);
    expect(new Set(identities).size).toBe(identities.length);
  });

  it("hands Secret values to the engine as secrets, so state and previews never show them", async () => {
    const recorded = await recordResources(() => new Project("shop", { spec: EVERY_FIELD_SPEC, secretChecksumKey: KEY }));
    const secrets = recorded.filter((resource) => resource.type === "kubernetes:core/v1:Secret");
    expect(secrets).toHaveLength(1);
    expect(revealSecrets(secrets[0]!.inputs).secretPaths).toEqual(["stringData"]);
    const others = recorded.filter((resource) => resource.type !== "kubernetes:core/v1:Secret");
    expect(JSON.stringify(others.map((resource) => resource.inputs))).not.toContain("s3cr3t-value");
  });

  it("registers its components with the babyhelm type tokens", async () => {
    const recorded = await recordResources(() => new Project("shop", { spec: EVERY_FIELD_SPEC, secretChecksumKey: KEY }));
    const components = recorded.filter((resource) => !resource.custom).map((resource) => `${resource.type} ${resource.name}`);
    expect(components).toEqual([
      "babyhelm:index:Project shop",
      "babyhelm:index:UserNamespace shop",
      "babyhelm:index:App shop/web",
      "babyhelm:index:App shop/api",
      "babyhelm:index:App shop/worker",
      "babyhelm:index:ProjectDashboard shop",
    ]);
  });
});
