import { describe, expect, it } from "vitest";
import { renderProject } from "../index.js";
import { EVERY_FIELD_SPEC } from "../test-support/specs.js";
import { kubernetesTypeToken, objectKey, recordResources, revealSecrets } from "../test-support/pulumi-mocks.js";
import { Project } from "./Project.js";

describe("Project under Pulumi's mock runtime", () => {
  it("creates exactly the objects renderProject returns", async () => {
    const recorded = await recordResources(() => new Project("shop", { spec: EVERY_FIELD_SPEC }));
    const created = recorded.filter((resource) => resource.custom);
    const rendered = await renderProject(EVERY_FIELD_SPEC);
    // Pulumi registers resources as their inputs resolve, so compare by identity, not by position.
    const byKey = <T>(items: T[], key: (item: T) => string) => [...items].sort((a, b) => key(a).localeCompare(key(b)));

    const createdSorted = byKey(created, (resource) => objectKey(resource.inputs));
    const renderedSorted = byKey(rendered, objectKey);
    expect(createdSorted.map((resource) => resource.type)).toEqual(renderedSorted.map(kubernetesTypeToken));
    const revealed = createdSorted.map((resource) => revealSecrets(resource.inputs));
    expect(revealed.map((resource) => resource.value)).toEqual(renderedSorted);
    expect(rendered).toHaveLength(18);
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
    const recorded = await recordResources(() => new Project("shop", { spec: EVERY_FIELD_SPEC }));
    const secrets = recorded.filter((resource) => resource.type === "kubernetes:core/v1:Secret");
    expect(secrets).toHaveLength(1);
    expect(revealSecrets(secrets[0]!.inputs).secretPaths).toEqual(["stringData"]);
    const others = recorded.filter((resource) => resource.type !== "kubernetes:core/v1:Secret");
    expect(JSON.stringify(others.map((resource) => resource.inputs))).not.toContain("s3cr3t-value");
  });

  it("registers its components with the babyhelm type tokens", async () => {
    const recorded = await recordResources(() => new Project("shop", { spec: EVERY_FIELD_SPEC }));
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
