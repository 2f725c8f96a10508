import { describe, expect, it } from "vitest";
import { resolvePlatformOptions } from "../platform.js";
import { appSchema, type AppSpecInput } from "../spec/schema.js";
import { buildIngress } from "./builders.js";

const ingressOf = (app: Partial<AppSpecInput>, platform = {}) =>
  buildIngress(appSchema.parse({ name: "web", image: "nginx:1.27", port: 80, ...app }), { project: "shop", platform: resolvePlatformOptions(platform) });

describe("buildIngress", () => {
  it("picks the ingress class by the app's visibility", () => {
    expect(ingressOf({ domain: "shop.example.com" })!.spec!.ingressClassName).toBe("nginx");
    expect(ingressOf({ domain: "shop.example.com", visibility: "public" })!.spec!.ingressClassName).toBe("nginx");
    expect(ingressOf({ domain: "shop.example.com", visibility: "private" })!.spec!.ingressClassName).toBe("nginx-internal");
    expect(ingressOf({ domain: "shop.example.com", visibility: "private" }, { privateIngressClassName: "tailscale" })!.spec!.ingressClassName).toBe("tailscale");
  });

  it("labels only private Ingresses, so public ones render as they did before visibility existed", () => {
    expect(ingressOf({ domain: "shop.example.com", visibility: "private" })!.metadata.labels?.["babyhelm.io/visibility"]).toBe("private");
    expect(ingressOf({ domain: "shop.example.com", visibility: "public" })!.metadata.labels).not.toHaveProperty("babyhelm.io/visibility");
  });

  it("builds no Ingress for a private app without a domain", () => {
    expect(ingressOf({ visibility: "private" })).toBeUndefined();
  });
});
