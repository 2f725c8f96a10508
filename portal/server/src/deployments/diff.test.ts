import type { KubernetesObject } from "@babyhelm/sdk";
import { describe, expect, it } from "vitest";
import { diffManifests, diffValues } from "./diff.js";

describe("diffValues", () => {
  it("answers nothing for equal documents, whatever their key order", () => {
    expect(diffValues({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toEqual([]);
  });

  it("keys lists of named items by name, so a reordered or inserted app is not every app changed", () => {
    const before = {
      apps: [
        { name: "web", image: "nginx:1.26" },
        { name: "worker", image: "busybox" },
      ],
    };
    const after = {
      apps: [
        { name: "api", image: "node:20" },
        { name: "web", image: "nginx:1.27" },
        { name: "worker", image: "busybox" },
      ],
    };
    expect(diffValues(before, after)).toEqual([
      { path: "apps[web].image", before: "nginx:1.26", after: "nginx:1.27" },
      { path: "apps[api]", after: { name: "api", image: "node:20" } },
    ]);
  });

  it("compares unnamed lists by position when their lengths match, and as a whole otherwise", () => {
    expect(diffValues({ args: ["a", "b"] }, { args: ["a", "c"] })).toEqual([{ path: "args[1]", before: "b", after: "c" }]);
    expect(diffValues({ args: ["a"] }, { args: ["a", "c"] })).toEqual([{ path: "args", before: ["a"], after: ["a", "c"] }]);
  });

  it("reports a field that appears or disappears with one side only, and quotes keys that are not identifiers", () => {
    expect(diffValues({ metadata: { labels: {} } }, { metadata: { labels: { "app.kubernetes.io/name": "web" } } })).toEqual([
      { path: 'metadata.labels["app.kubernetes.io/name"]', after: "web" },
    ]);
  });
});

describe("diffManifests", () => {
  const ingress = (className: string): KubernetesObject => ({
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: { name: "web", namespace: "shop" },
    spec: { ingressClassName: className },
  });
  const namespace: KubernetesObject = { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } };

  it("lists changed objects with their fields, and objects only one render has", () => {
    const service: KubernetesObject = { apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "shop" } };
    expect(diffManifests([namespace, ingress("nginx"), service], [namespace, ingress("internal")])).toEqual([
      { object: "Ingress shop/web", op: "changed", changes: [{ path: "spec.ingressClassName", before: "nginx", after: "internal" }] },
      { object: "Service shop/web", op: "removed", changes: [] },
    ]);
    expect(diffManifests([namespace], [namespace, service])).toEqual([{ object: "Service shop/web", op: "added", changes: [] }]);
  });

  it("finds nothing to change between equal renders", () => {
    expect(diffManifests([namespace, ingress("nginx")], [namespace, ingress("nginx")])).toEqual([]);
  });
});
