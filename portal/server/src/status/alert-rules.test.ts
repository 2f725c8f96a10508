import { describe, expect, it } from "vitest";
import { alertFor } from "./alert-rules.js";

describe("health alerts", () => {
  it("announce an app that turns degraded once, and its recovery once", () => {
    expect(alertFor(undefined, "degraded", "7")).toBe("degraded");
    expect(alertFor({ health: "healthy", deploymentId: "7" }, "degraded", "7")).toBe("degraded");
    expect(alertFor({ health: "degraded", deploymentId: "7" }, "degraded", "7")).toBeUndefined();
    expect(alertFor({ health: "degraded", deploymentId: "7" }, "healthy", "7")).toBe("recovered");
    expect(alertFor({ health: "healthy", deploymentId: "7" }, "healthy", "7")).toBeUndefined();
    expect(alertFor(undefined, "healthy", "7")).toBeUndefined();
  });

  it("announce again when a newer deploy succeeded and left the app degraded", () => {
    expect(alertFor({ health: "degraded", deploymentId: "7" }, "degraded", "8")).toBe("degraded");
    expect(alertFor({ health: "degraded", deploymentId: "9" }, "degraded", "10")).toBe("degraded");
    // Ids are numbers: "10" is newer than "9".
    expect(alertFor({ health: "degraded", deploymentId: "10" }, "degraded", "9")).toBeUndefined();
    expect(alertFor({ health: "degraded", deploymentId: null }, "degraded", "1")).toBe("degraded");
  });

  it("wait while an app is progressing or missing", () => {
    for (const health of ["progressing", "missing"] as const) {
      expect(alertFor(undefined, health, "1")).toBeUndefined();
      expect(alertFor({ health: "degraded", deploymentId: "1" }, health, "2")).toBeUndefined();
    }
  });
});
