import { describe, expect, it } from "vitest";
import { renderProject, type ProjectSpecInput } from "../index.js";
import { kubernetesTypeToken, objectKey, recordResources, revealSecrets } from "../test-support/pulumi-mocks.js";
import { Project } from "./Project.js";

const everyField: ProjectSpecInput = {
  name: "shop",
  displayName: "Shop",
  owner: "alice@example.com",
  quota: { cpu: "4", memory: "8Gi", pods: 30 },
  apps: [
    {
      name: "web",
      image: "nginx:1.27",
      port: 80,
      replicas: 2,
      command: ["nginx"],
      args: ["-g", "daemon off;"],
      env: { LOG_LEVEL: "info" },
      secretEnv: { API_KEY: "s3cr3t" },
      resources: { cpu: "250m", memory: "256Mi" },
      healthCheck: { path: "/healthz" },
      domain: "shop.example.com",
    },
    { name: "api", image: "ghcr.io/acme/api:v2", port: 8080, autoscale: { min: 2, max: 10, cpuPercent: 70 } },
    { name: "worker", image: "busybox:1.36", command: ["sh", "-c", "sleep infinity"] },
  ],
  monitoring: { dashboard: true },
};

describe("Project under Pulumi's mock runtime", () => {
  it("creates exactly the objects renderProject returns", async () => {
    const recorded = await recordResources(() => new Project("shop", { spec: everyField }));
    const created = recorded.filter((resource) => resource.custom);
    const rendered = await renderProject(everyField);
    // Pulumi registers resources as their inputs resolve, so compare by identity, not by position.
    const byKey = <T>(items: T[], key: (item: T) => string) => [...items].sort((a, b) => key(a).localeCompare(key(b)));

    const createdSorted = byKey(created, (resource) => objectKey(resource.inputs));
    const renderedSorted = byKey(rendered, objectKey);
    expect(createdSorted.map((resource) => resource.type)).toEqual(renderedSorted.map(kubernetesTypeToken));
    const revealed = createdSorted.map((resource) => revealSecrets(resource.inputs));
    expect(revealed.map((resource) => resource.value)).toEqual(renderedSorted);
    expect(rendered).toHaveLength(17);
  });

  it("hands Secret values to the engine as secrets, so state and previews never show them", async () => {
    const recorded = await recordResources(() => new Project("shop", { spec: everyField }));
    const secrets = recorded.filter((resource) => resource.type === "kubernetes:core/v1:Secret");
    expect(secrets).toHaveLength(1);
    expect(revealSecrets(secrets[0]!.inputs).secretPaths).toEqual(["stringData"]);
    const others = recorded.filter((resource) => resource.type !== "kubernetes:core/v1:Secret");
    expect(JSON.stringify(others.map((resource) => resource.inputs))).not.toContain("s3cr3t");
  });

  it("registers its components with the babyhelm type tokens", async () => {
    const recorded = await recordResources(() => new Project("shop", { spec: everyField }));
    const components = recorded.filter((resource) => !resource.custom).map((resource) => `${resource.type} ${resource.name}`);
    expect(components).toEqual([
      "babyhelm:index:Project shop",
      "babyhelm:index:UserNamespace shop",
      "babyhelm:index:App shop-web",
      "babyhelm:index:App shop-api",
      "babyhelm:index:App shop-worker",
    ]);
  });
});
