import { describe, expect, it } from "vitest";
import { specDiff } from "./specDiff.js";

const base = {
  quota: { cpu: "2", memory: "4Gi", pods: 20 },
  apps: [
    { name: "web", image: "nginx:1.26", port: 80, secretEnv: { API_KEY: "********" } },
    { name: "old", image: "busybox" },
  ],
  monitoring: { dashboard: true },
};

describe("what a deploy will change", () => {
  it("says it is the first deploy when nothing was deployed yet", () => {
    expect(specDiff(undefined, base)).toEqual(["first deploy: creates the namespace and 2 apps"]);
  });

  it("lists added, removed and changed apps, quota and secret names, and nothing when nothing changed", () => {
    const next = {
      ...base,
      quota: { ...base.quota, cpu: "4" },
      apps: [
        { name: "web", image: "nginx:1.27", port: 80, secretEnv: { API_KEY: "********", DB_URL: "********" } },
        { name: "api", image: "ghcr.io/acme/api:v1" },
      ],
    };
    expect(specDiff(base, next)).toEqual([
      "quota: cpu 2 → 4",
      "app web: image nginx:1.26 → nginx:1.27",
      "app web: secret variables DB_URL",
      "app api: added (ghcr.io/acme/api:v1)",
      "app old: removed",
    ]);
    expect(specDiff(base, structuredClone(base))).toEqual([]);
  });
});
