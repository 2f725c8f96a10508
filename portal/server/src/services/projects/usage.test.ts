/** Quota arithmetic without a database: the usage the project page shows against the quota. */
import { parseProjectSpec } from "@babyhelm/sdk";
import { describe, expect, it } from "vitest";
import { usageOf } from "./usage.js";

describe("usageOf", () => {
  it("sums what the apps request at their base replica count", () => {
    const spec = parseProjectSpec({
      name: "shop",
      quota: { cpu: "8", memory: "16Gi" },
      apps: [
        { name: "web", image: "nginx:1.27", replicas: 2, resources: { cpu: "250m", memory: "256Mi" } },
        // An autoscaled app counts at its minimum.
        { name: "api", image: "nginx:1.27", autoscale: { min: 3, max: 10, cpuPercent: 70 }, resources: { cpu: "500m", memory: "1Gi" } },
        { name: "off", image: "nginx:1.27", replicas: 0 },
      ],
    });
    expect(usageOf(spec)).toEqual({ cpu: "2", memory: "3584Mi", pods: 5 });
  });

  it("is nothing for a project without apps", () => {
    expect(usageOf(parseProjectSpec({ name: "empty" }))).toEqual({ cpu: "0", memory: "0", pods: 0 });
  });
});
