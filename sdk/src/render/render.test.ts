import { createHash, createHmac, pbkdf2Sync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parse as parseYaml, parseAllDocuments } from "yaml";
import { UNKEYED_SECRET_CHECKSUM } from "../app/secret-checksum.js";
import type { DeploymentObject, KubernetesObject } from "../kubernetes.js";
import { baselineViolations } from "../test-support/pod-security.js";
import { validateKubernetesObject } from "../test-support/kubernetes-schema.js";
import { EVERY_FIELD_SPEC, MINIMAL_SPEC } from "../test-support/specs.js";
import type { ProjectSpecInput } from "../spec/schema.js";
import { renderProject } from "./render.js";
import { MASKED_SECRET_VALUE, renderProjectYaml } from "./yaml.js";

const find = <K extends KubernetesObject["kind"]>(objects: KubernetesObject[], kind: K, name: string) =>
  objects.find((object) => object.kind === kind && object.metadata.name === name) as Extract<KubernetesObject, { kind: K }> | undefined;

const deploymentOf = async (app: Record<string, unknown>, extra: Partial<ProjectSpecInput> = {}) => {
  const objects = await renderProject({ name: "shop", apps: [{ name: "web", image: "nginx:1.27", ...app }], ...extra } as ProjectSpecInput);
  return { objects, deployment: find(objects, "Deployment", "web")! };
};
const containerOf = (deployment: DeploymentObject) => deployment.spec!.template.spec!.containers[0]!;

describe("renderProject", () => {
  it.each([
    ["a minimal spec", MINIMAL_SPEC, 8],
    ["a spec with every optional field", EVERY_FIELD_SPEC, 18],
  ])("returns objects that pass the Kubernetes OpenAPI schema for %s", async (_title, spec, count) => {
    const objects = await renderProject(spec);
    expect(objects).toHaveLength(count);
    for (const object of objects) expect(() => validateKubernetesObject(object)).not.toThrow();
  });

  it("holds objects to the API server's name rules, which refuse what the schema lets pass", () => {
    const upper = { apiVersion: "v1", kind: "Service", metadata: { name: "Web_1" }, spec: {} } as KubernetesObject;
    expect(() => validateKubernetesObject(upper)).toThrow(/API server would refuse metadata.name "Web_1"/);
    const ipHost = { apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name: "web" }, spec: { rules: [{ host: "10.0.0.1" }] } } as KubernetesObject;
    expect(() => validateKubernetesObject(ipHost)).toThrow(/Ingress host 10.0.0.1/);
  });

  it("orders objects so that each exists before what needs it", async () => {
    const objects = await renderProject(EVERY_FIELD_SPEC);
    const position = (kind: string, name: string) => {
      const index = objects.findIndex((object) => object.kind === kind && object.metadata.name === name);
      expect(index, `${kind} ${name}`).toBeGreaterThanOrEqual(0);
      return index;
    };
    expect(objects[0]!.kind).toBe("Namespace");
    expect(position("Secret", "web-env")).toBeLessThan(position("Deployment", "web"));
    expect(position("Service", "web")).toBeLessThan(position("Ingress", "web"));
    expect(position("Deployment", "api")).toBeLessThan(position("HorizontalPodAutoscaler", "api"));
  });

  it("labels every object with the project, and app objects and pods with the app", async () => {
    const objects = await renderProject(EVERY_FIELD_SPEC);
    for (const object of objects) {
      expect(object.metadata.labels, `${object.kind} ${object.metadata.name}`).toMatchObject({
        "app.kubernetes.io/managed-by": "babyhelm",
        "babyhelm.io/project": "shop",
      });
      const expectedNamespace = object.kind === "ConfigMap" ? "monitoring" : "shop";
      if (object.kind !== "Namespace") expect(object.metadata.namespace).toBe(expectedNamespace);
    }
    for (const app of ["web", "api", "worker"]) {
      const appObjects = objects.filter((object) => object.metadata.labels?.["babyhelm.io/app"] === app);
      expect(appObjects.length).toBeGreaterThan(0);
      for (const object of appObjects) expect(object.metadata.labels).toMatchObject({ "app.kubernetes.io/name": app });
      expect(find(objects, "Deployment", app)!.spec!.template.metadata!.labels).toMatchObject({
        "app.kubernetes.io/name": app,
        "babyhelm.io/app": app,
        "babyhelm.io/project": "shop",
      });
    }
  });

  it("hardens the namespace: Pod Security labels, quota, container defaults and ingress isolation", async () => {
    const objects = await renderProject(EVERY_FIELD_SPEC);
    const namespace = find(objects, "Namespace", "shop")!;
    expect(namespace.metadata.labels).toMatchObject({
      "pod-security.kubernetes.io/enforce": "baseline",
      "pod-security.kubernetes.io/warn": "restricted",
      "pod-security.kubernetes.io/audit": "restricted",
    });
    expect(namespace.metadata.annotations).toEqual({ "babyhelm.io/owner": "alice@example.com", "babyhelm.io/display-name": "Shop" });
    expect(find(objects, "ResourceQuota", "babyhelm-quota")!.spec!.hard).toMatchObject({
      "requests.cpu": "4",
      "limits.cpu": "4",
      "requests.memory": "8Gi",
      "limits.memory": "8Gi",
      pods: "30",
      "services.loadbalancers": "0",
    });
    expect(find(objects, "LimitRange", "babyhelm-defaults")!.spec!.limits[0]).toMatchObject({
      type: "Container",
      default: { cpu: "100m", memory: "128Mi" },
      defaultRequest: { cpu: "100m", memory: "128Mi" },
    });
    const policies = objects.filter((object) => object.kind === "NetworkPolicy");
    expect(find(objects, "NetworkPolicy", "default-deny-ingress")!.spec).toEqual({ podSelector: {}, policyTypes: ["Ingress"] });
    const sources = policies.flatMap((policy) => policy.spec!.ingress ?? []).flatMap((rule) => rule.from ?? []);
    expect(sources).toEqual([
      { podSelector: {} },
      { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } } },
      { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } },
    ]);
    for (const policy of policies) expect(policy.spec!.policyTypes).toEqual(["Ingress"]);
  });

  it("lets the ingress controller and monitoring namespaces be configured", async () => {
    const objects = await renderProject(MINIMAL_SPEC, { platform: { ingressNamespace: "traefik", monitoringNamespace: "observability" } });
    const selected = objects
      .filter((object) => object.kind === "NetworkPolicy")
      .flatMap((policy) => policy.spec!.ingress ?? [])
      .flatMap((rule) => rule.from ?? [])
      .map((peer) => peer.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"])
      .filter(Boolean);
    expect(selected).toEqual(["traefik", "observability"]);
    await expect(renderProject({ name: "traefik" }, { platform: { ingressNamespace: "traefik" } })).rejects.toThrow(/name: "traefik" is reserved/);
  });

  it("admits an nginx:1.27 app on port 80 under Pod Security baseline, without restricted-only settings that would stop it", async () => {
    const { deployment } = await deploymentOf({ port: 80 });
    const pod = deployment.spec!.template.spec!;
    expect(baselineViolations(pod)).toEqual([]);
    const context = containerOf(deployment).securityContext!;
    expect(context).toEqual({ allowPrivilegeEscalation: false, seccompProfile: { type: "RuntimeDefault" } });
    expect(pod.securityContext).toEqual({ seccompProfile: { type: "RuntimeDefault" } });
    // nginx starts as root, binds port 80 and writes its cache: none of these may be taken away.
    expect(context.runAsNonRoot).toBeUndefined();
    expect(context.readOnlyRootFilesystem).toBeUndefined();
    expect(context.capabilities).toBeUndefined();
    expect(containerOf(deployment).ports).toEqual([{ name: "http", containerPort: 80, protocol: "TCP" }]);
  });

  it("sets requests equal to limits, with the spec's or the default resources", async () => {
    expect(containerOf((await deploymentOf({})).deployment).resources).toEqual({
      requests: { cpu: "100m", memory: "128Mi" },
      limits: { cpu: "100m", memory: "128Mi" },
    });
    expect(containerOf((await deploymentOf({ resources: { cpu: "1", memory: "1Gi" } })).deployment).resources).toEqual({
      requests: { cpu: "1", memory: "1Gi" },
      limits: { cpu: "1", memory: "1Gi" },
    });
  });

  it("rolls out without taking pods away when an app has several replicas, and adds a disruption budget", async () => {
    const single = await deploymentOf({ replicas: 1 });
    expect(single.deployment.spec!.strategy).toEqual({ type: "RollingUpdate" });
    expect(single.objects.some((object) => object.kind === "PodDisruptionBudget")).toBe(false);

    const pair = await deploymentOf({ replicas: 2 });
    expect(pair.deployment.spec!.replicas).toBe(2);
    expect(pair.deployment.spec!.strategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
    expect(find(pair.objects, "PodDisruptionBudget", "web")!.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { "babyhelm.io/app": "web" } } });
  });

  it("leaves the replica count to the HorizontalPodAutoscaler when autoscale is set", async () => {
    const { objects, deployment } = await deploymentOf({ autoscale: { min: 2, max: 6, cpuPercent: 65 } });
    expect(deployment.spec).not.toHaveProperty("replicas");
    expect(find(objects, "HorizontalPodAutoscaler", "web")!.spec).toEqual({
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
      minReplicas: 2,
      maxReplicas: 6,
      metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 65 } } }],
    });
    expect(find(objects, "PodDisruptionBudget", "web")).toBeDefined();
  });

  it("restarts pods through the spec: restartedAt becomes a pod-template annotation, and without it there is none", async () => {
    const { deployment } = await deploymentOf({ restartedAt: "2026-12-01T12:00:00.000Z" });
    expect(deployment.spec!.template.metadata?.annotations).toEqual({ "babyhelm.io/restarted-at": "2026-12-01T12:00:00.000Z" });
    expect((await deploymentOf({})).deployment.spec!.template.metadata).not.toHaveProperty("annotations");
  });

  it("gives an app with a port a Service and probes: HTTP with a health check path, TCP without", async () => {
    const http = await deploymentOf({ port: 8080, healthCheck: { path: "/healthz" } });
    expect(containerOf(http.deployment).readinessProbe).toMatchObject({ httpGet: { path: "/healthz", port: "http" } });
    expect(containerOf(http.deployment).livenessProbe).toMatchObject({ httpGet: { path: "/healthz", port: "http" } });
    expect(find(http.objects, "Service", "web")!.spec).toEqual({
      type: "ClusterIP",
      selector: { "babyhelm.io/app": "web" },
      ports: [{ name: "http", port: 8080, targetPort: "http", protocol: "TCP" }],
    });

    const tcp = await deploymentOf({ port: 8080 });
    expect(containerOf(tcp.deployment).readinessProbe).toMatchObject({ tcpSocket: { port: "http" } });
    expect(containerOf(tcp.deployment).livenessProbe).toMatchObject({ tcpSocket: { port: "http" } });

    const worker = await deploymentOf({});
    expect(containerOf(worker.deployment)).not.toHaveProperty("readinessProbe");
    expect(worker.objects.some((object) => object.kind === "Service")).toBe(false);
  });

  it("tells the app its port in PORT unless the app sets PORT itself", async () => {
    expect(containerOf((await deploymentOf({ port: 8080 })).deployment).env).toEqual([{ name: "PORT", value: "8080" }]);
    expect(containerOf((await deploymentOf({ port: 8080, env: { PORT: "9000" } })).deployment).env).toEqual([{ name: "PORT", value: "9000" }]);
  });

  it("passes secretEnv through a Secret and secretKeyRef, never as a plain value in the Deployment", async () => {
    const { objects, deployment } = await deploymentOf({ env: { MODE: "prod" }, secretEnv: { API_KEY: "s3cr3t-value" } });
    expect(find(objects, "Secret", "web-env")!.stringData).toEqual({ API_KEY: "s3cr3t-value" });
    expect(containerOf(deployment).env).toEqual([
      { name: "MODE", value: "prod" },
      { name: "API_KEY", valueFrom: { secretKeyRef: { name: "web-env", key: "API_KEY" } } },
    ]);
    expect(JSON.stringify(deployment)).not.toContain("s3cr3t-value");
  });

  describe("the secret checksum on the pod template", () => {
    const KEY = "0123456789abcdef0123456789abcdef";
    const OTHER_KEY = "fedcba9876543210fedcba9876543210";
    const checksum = async (app: Record<string, unknown>, secretChecksumKey?: string, project = "shop") => {
      const objects = await renderProject({ name: project, apps: [{ name: "web", image: "nginx:1.27", ...app }] } as ProjectSpecInput, { secretChecksumKey });
      return find(objects, "Deployment", "web")!.spec!.template.metadata!.annotations?.["babyhelm.io/secret-env-checksum"];
    };

    it("restarts pods when a secret value changes: another value, another checksum under the same key", async () => {
      const first = await checksum({ secretEnv: { API_KEY: "one" } }, KEY);
      expect(first).toMatch(/^[0-9a-f]{64}$/);
      expect(await checksum({ secretEnv: { API_KEY: "two" } }, KEY)).not.toBe(first);
      expect(await checksum({ secretEnv: { API_KEY: "one", OTHER: "x" } }, KEY)).not.toBe(first);
      expect(await checksum({ secretEnv: { API_KEY: "one" } }, KEY)).toBe(first);
      expect(await checksum({ secretEnv: { API_KEY: "one" }, env: { OTHER: "x" } }, KEY)).toBe(first);
      expect(await checksum({}, KEY)).toBeUndefined();
    });

    it("is an HMAC-SHA256 keyed with secretChecksumKey: the same secret under another key or project gives another checksum", async () => {
      const first = await checksum({ secretEnv: { API_KEY: "one" } }, KEY);
      expect(await checksum({ secretEnv: { API_KEY: "one" } }, OTHER_KEY)).not.toBe(first);
      expect(await checksum({ secretEnv: { API_KEY: "one" } }, KEY, "other-shop")).not.toBe(first);
      const canonical = JSON.stringify(["shop", "web", [["API_KEY", "one"]]]);
      expect(first).toBe(createHmac("sha256", KEY).update(`babyhelm-secret-env-checksum/v1\n${canonical}`).digest("hex"));
    });

    it("cannot be reproduced without the key: neither the old salted PBKDF2, nor plain or salted hashes of the value, nor an HMAC under a guessable key", async () => {
      const secret = "hunter2";
      const annotation = await checksum({ secretEnv: { API_KEY: secret } }, KEY);
      const canonical = JSON.stringify([["API_KEY", secret]]);
      const guesses = [
        pbkdf2Sync(canonical, "babyhelm-secret-env:shop/web", 10_000, 32, "sha256").toString("hex"),
        createHash("sha256").update(secret).digest("hex"),
        createHash("sha256").update(canonical).digest("hex"),
        createHash("sha256").update(`shop/web${canonical}`).digest("hex"),
        ...["", "shop", "web", "shop/web", "babyhelm", "babyhelm-secret-env:shop/web"].map((key) =>
          createHmac("sha256", key)
            .update(`babyhelm-secret-env-checksum/v1\n${JSON.stringify(["shop", "web", [["API_KEY", secret]]])}`)
            .digest("hex"),
        ),
      ];
      expect(guesses).not.toContain(annotation);
      expect(annotation).not.toContain(secret);
    });

    it("renders a placeholder that depends on no secret value when no key is given", async () => {
      expect(await checksum({ secretEnv: { API_KEY: "one" } })).toBe(UNKEYED_SECRET_CHECKSUM);
      expect(await checksum({ secretEnv: { API_KEY: "two" } })).toBe(UNKEYED_SECRET_CHECKSUM);
      const yaml = await renderProjectYaml({ name: "shop", apps: [{ name: "web", image: "nginx:1.27", secretEnv: { API_KEY: "one" } }] });
      expect(yaml).toContain("# babyhelm.io/secret-env-checksum is a placeholder: rendered without the deploy's key");
      const keyed = await renderProjectYaml({ name: "shop", apps: [{ name: "web", image: "nginx:1.27", secretEnv: { API_KEY: "one" } }] }, { secretChecksumKey: KEY });
      expect(keyed).not.toContain("placeholder");
    });

    it("refuses a key that could itself be guessed, without repeating it", async () => {
      await expect(renderProject(MINIMAL_SPEC, { secretChecksumKey: "short-key" })).rejects.toThrow(
        "secretChecksumKey: is too short (9 characters): use at least 16 random characters",
      );
      const message = await renderProject(MINIMAL_SPEC, { secretChecksumKey: "short-key" }).then(
        () => "",
        (error: Error) => error.message,
      );
      expect(message).not.toContain("short-key");
    });
  });

  it("routes a domain through an Ingress with TLS from the platform's issuer, or without TLS when there is none", async () => {
    const { objects } = await deploymentOf({ port: 80, domain: "shop.example.com" });
    const ingress = find(objects, "Ingress", "web")!;
    expect(ingress.metadata.annotations).toEqual({ "cert-manager.io/cluster-issuer": "letsencrypt" });
    expect(ingress.spec).toEqual({
      ingressClassName: "nginx",
      tls: [{ hosts: ["shop.example.com"], secretName: "web-tls" }],
      rules: [
        {
          host: "shop.example.com",
          http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "web", port: { name: "http" } } } }] },
        },
      ],
    });
    const plain = await renderProject(
      { name: "shop", apps: [{ name: "web", image: "nginx", port: 80, domain: "shop.example.com" }] },
      { platform: { tlsClusterIssuer: "", ingressClassName: "traefik" } },
    );
    const plainIngress = find(plain, "Ingress", "web")!;
    expect(plainIngress.spec).not.toHaveProperty("tls");
    expect(plainIngress.metadata).not.toHaveProperty("annotations");
    expect(plainIngress.spec!.ingressClassName).toBe("traefik");
  });

  it("serves a private app's domain through the platform's private ingress class, labelled private; public apps keep the public class", async () => {
    const spec: ProjectSpecInput = {
      name: "shop",
      apps: [
        { name: "web", image: "nginx:1.27", port: 80, domain: "shop.example.com" },
        { name: "admin", image: "nginx:1.27", port: 80, domain: "admin.shop.example.com", visibility: "private" },
        { name: "api", image: "nginx:1.27", port: 80, domain: "api.shop.example.com", visibility: "public" },
        // Private without a domain: there is no Ingress to give a class to, as for a public app.
        { name: "jobs", image: "nginx:1.27", port: 80, visibility: "private" },
      ],
    };
    const objects = await renderProject(spec);
    for (const object of objects) expect(() => validateKubernetesObject(object)).not.toThrow();
    const admin = find(objects, "Ingress", "admin")!;
    expect(admin.spec!.ingressClassName).toBe("nginx-internal");
    expect(admin.metadata.labels).toMatchObject({ "babyhelm.io/visibility": "private", "babyhelm.io/app": "admin" });
    // The same issuer: for private domains it must solve DNS-01, as HTTP-01 needs a public route (README).
    expect(admin.spec!.tls).toEqual([{ hosts: ["admin.shop.example.com"], secretName: "admin-tls" }]);
    for (const name of ["web", "api"]) {
      const ingress = find(objects, "Ingress", name)!;
      expect(ingress.spec!.ingressClassName).toBe("nginx");
      expect(ingress.metadata.labels).not.toHaveProperty("babyhelm.io/visibility");
    }
    // An explicit "public" renders exactly as leaving the field out.
    const { apiVersion, kind, metadata, spec: apiSpec } = find(objects, "Ingress", "api")!;
    const leftOut = await renderProject({ name: "shop", apps: [{ name: "api", image: "nginx:1.27", port: 80, domain: "api.shop.example.com" }] });
    expect(find(leftOut, "Ingress", "api")).toEqual({ apiVersion, kind, metadata, spec: apiSpec });
    expect(find(objects, "Ingress", "jobs")).toBeUndefined();
    expect(find(objects, "Service", "jobs")).toBeDefined();

    const custom = await renderProject(spec, { platform: { ingressClassName: "public", privateIngressClassName: "vpn" } });
    expect(find(custom, "Ingress", "admin")!.spec!.ingressClassName).toBe("vpn");
    expect(find(custom, "Ingress", "web")!.spec!.ingressClassName).toBe("public");
  });

  it("admits the private ingress controller's namespace too when it is not the public controller's", async () => {
    const controllers = async (platform: Record<string, string>) => {
      const objects = await renderProject(MINIMAL_SPEC, { platform });
      const policy = find(objects, "NetworkPolicy", "allow-from-ingress-controller")!;
      expect(() => validateKubernetesObject(policy)).not.toThrow();
      return policy.spec!.ingress!.flatMap((rule) => rule.from ?? []).map((peer) => peer.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"]);
    };
    expect(await controllers({})).toEqual(["ingress-nginx"]);
    expect(await controllers({ ingressNamespace: "traefik" })).toEqual(["traefik"]);
    expect(await controllers({ privateIngressNamespace: "vpn-ingress" })).toEqual(["ingress-nginx", "vpn-ingress"]);
    await expect(renderProject({ name: "vpn-ingress" }, { platform: { privateIngressNamespace: "vpn-ingress" } })).rejects.toThrow(/name: "vpn-ingress" is reserved/);
  });

  it("refuses private ingress options that cannot work, naming each", async () => {
    await expect(renderProject(MINIMAL_SPEC, { platform: { privateIngressClassName: "Internal_LB", privateIngressNamespace: "VPN" } })).rejects.toThrow(
      /platform\.privateIngressNamespace: "VPN" is not a valid name[\s\S]*platform\.privateIngressClassName: "Internal_LB" is not a valid name/,
    );
    await expect(renderProject(MINIMAL_SPEC, { platform: { ingressClassName: "nginx", privateIngressClassName: "nginx" } })).rejects.toThrow(
      'platform.privateIngressClassName: "nginx" is also the public ingressClassName; private apps need a class of their own',
    );
  });
});

describe("renderProjectYaml", () => {
  it("masks Secret values unless showSecrets is set", async () => {
    const masked = await renderProjectYaml(EVERY_FIELD_SPEC);
    expect(masked).not.toContain("s3cr3t-value");
    const secret = parseAllDocuments(masked)
      .map((document) => document.toJS())
      .find((object) => object.kind === "Secret");
    expect(secret.stringData).toEqual({ API_KEY: MASKED_SECRET_VALUE });
    expect(masked).toContain("# Secret values are masked");

    const shown = await renderProjectYaml(EVERY_FIELD_SPEC, { showSecrets: true });
    expect(shown).toContain("API_KEY: s3cr3t-value");
    expect(shown).not.toContain("masked");
  });

  it("prints every object as its own document, readable by YAML 1.1 tools such as kubectl without changing any value", async () => {
    const spec: ProjectSpecInput = {
      name: "shop",
      apps: [{ name: "web", image: "nginx", port: 80, env: { COLOR: "on", ENABLED: "yes", MODE: "0755", SCALE: "1e3", EMPTY: "", NULLISH: "null" } }],
    };
    const yaml = await renderProjectYaml(spec, { showSecrets: true });
    const objects = await renderProject(spec);
    const documents = yaml.split(/^---$/m).map((document) => parseYaml(document, { version: "1.1" }));
    expect(documents).toEqual(objects);
    expect(yaml).not.toMatch(/[&*]a\d/);
  });
});
