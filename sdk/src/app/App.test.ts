import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import type { DeploymentObject, IngressObject, KubernetesObject, NamespaceObject, NetworkPolicyObject, SecretObject, ServiceObject } from "../kubernetes.js";
import { UserNamespace } from "../namespace/UserNamespace.js";
import { recordResources, revealSecrets, type RecordedResource } from "../test-support/pulumi-mocks.js";
import { App } from "./App.js";

/** The recorded inputs of every resource of a Pulumi type, as the Kubernetes objects they describe. */
const objectsOf = <T extends KubernetesObject>(recorded: RecordedResource[], type: string) =>
  recorded.filter((resource) => resource.type === type).map((resource) => resource.inputs as unknown as T);

describe("App and UserNamespace used directly in a Pulumi program", () => {
  it("accept outputs for the namespace and the image, as from a namespace and an image build", async () => {
    const recorded = await recordResources(() => {
      const namespace = new UserNamespace("team", { name: "team", labels: { "example.com/cost-center": "r-and-d" } });
      new App("api", {
        namespace: namespace.name,
        project: "team",
        image: pulumi.output("ghcr.io/acme/api:v3"),
        port: 8080,
        secretEnv: { TOKEN: "t0ken" },
        secretChecksumKey: "app-test-secret-checksum-key",
      });
    });
    const byType = <T>(type: string) => recorded.filter((resource) => resource.type === type).map((resource) => revealSecrets(resource.inputs).value as T);
    const [namespace] = byType<NamespaceObject>("kubernetes:core/v1:Namespace");
    expect(namespace?.metadata.labels).toMatchObject({ "example.com/cost-center": "r-and-d", "babyhelm.io/project": "team" });
    const [deployment] = byType<DeploymentObject>("kubernetes:apps/v1:Deployment");
    expect(deployment?.metadata).toMatchObject({ name: "api", namespace: "team", labels: { "babyhelm.io/project": "team", "babyhelm.io/app": "api" } });
    expect(deployment?.spec?.template.spec?.containers[0]?.image).toBe("ghcr.io/acme/api:v3");
    expect(byType<ServiceObject>("kubernetes:core/v1:Service")[0]?.metadata.namespace).toBe("team");
    expect(byType<SecretObject>("kubernetes:core/v1:Secret")[0]?.metadata.namespace).toBe("team");
  });

  it("takes the app's name from the component and the project from a plain namespace", async () => {
    const recorded = await recordResources(() => new App("web", { namespace: "shop", image: "nginx:1.27" }));
    const [deployment] = objectsOf<DeploymentObject>(recorded, "kubernetes:apps/v1:Deployment");
    expect(deployment?.metadata).toMatchObject({ name: "web", namespace: "shop", labels: { "babyhelm.io/project": "shop", "babyhelm.io/app": "web" } });
  });

  it("gives a private app's Ingress the platform's private class, and admits the private controller's namespace", async () => {
    const platform = { privateIngressClassName: "vpn", privateIngressNamespace: "vpn-ingress" };
    const recorded = await recordResources(() => {
      new UserNamespace("shop", { name: "shop", platform });
      new App("admin", { namespace: "shop", image: "nginx:1.27", port: 80, domain: "admin.example.com", visibility: "private", platform });
      new App("web", { namespace: "shop", image: "nginx:1.27", port: 80, domain: "shop.example.com", platform });
    });
    const ingresses = objectsOf<IngressObject>(recorded, "kubernetes:networking.k8s.io/v1:Ingress");
    expect(Object.fromEntries(ingresses.map((ingress) => [ingress.metadata.name, ingress.spec?.ingressClassName]))).toEqual({ admin: "vpn", web: "nginx" });
    expect(ingresses.find((ingress) => ingress.metadata.name === "admin")?.metadata.labels?.["babyhelm.io/visibility"]).toBe("private");
    const policy = objectsOf<NetworkPolicyObject>(recorded, "kubernetes:networking.k8s.io/v1:NetworkPolicy").find(
      (candidate) => candidate.metadata.name === "allow-from-ingress-controller",
    );
    expect(policy?.spec?.ingress?.[0]?.from?.map((peer) => peer.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"])).toEqual(["ingress-nginx", "vpn-ingress"]);
  });

  it("refuses bad arguments up front, naming the component and every field", async () => {
    await recordResources(() => {
      expect(() => new App("web", { namespace: "shop", image: "nginx:::", port: 0, replicas: -1 })).toThrow(
        [
          'App "web" is invalid:',
          '  image: "nginx:::" is not a valid image reference: use registry/repository[:tag][@sha256:digest], e.g. nginx:1.27 or ghcr.io/acme/api:v2',
          "  port: 0 is out of range: use a whole number from 1 to 65535",
          "  replicas: -1 is out of range: use a whole number from 0 to 50",
        ].join("\n"),
      );
      expect(() => new App("web", { namespace: "shop", image: "nginx", visibility: "internal" as never })).toThrow(
        'visibility: "internal" is not a visibility: use "public" or "private"',
      );
      expect(() => new App("web", { namespace: pulumi.output("shop"), image: "nginx" })).toThrow(/project: is required when namespace is an output/);
      expect(() => new App("web", { namespace: "shop", image: "nginx", secretEnv: { TOKEN: "t0ken" } })).toThrow(
        /App "web" is invalid:\n {2}secretChecksumKey: is required for apps with secretEnv.*babyhelm:secretChecksumKey/,
      );
      expect(() => new UserNamespace("team", { name: "Team", quota: { cpu: "2 cores" }, owner: "bob" })).toThrow(
        /UserNamespace "team" is invalid:\n {2}name: "Team" is not a valid name.*\n {2}quota\.cpu: "2 cores" is not a CPU quantity.*\n {2}owner: must be an e-mail address/,
      );
      expect(() => new UserNamespace("team", { name: "team", labels: { "pod-security.kubernetes.io/enforce": "privileged" } })).toThrow(
        /labels\["pod-security.kubernetes.io\/enforce"\]: is set by BabyHelm and cannot be replaced/,
      );
    });
  });
});
