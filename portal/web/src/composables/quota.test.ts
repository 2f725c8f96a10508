import { describe, expect, it } from "vitest";
import { usedPercent } from "./quota.js";

describe("usedPercent", () => {
  it("compares quantities in any of their units, and counts", () => {
    expect(usedPercent("500m", "2")).toBe(25);
    expect(usedPercent("768Mi", "4Gi")).toBe(19);
    expect(usedPercent("1G", "2G")).toBe(50);
    expect(usedPercent(3, 20)).toBe(15);
  });

  it("stays within 0 to 100, and is 0 for what it cannot read", () => {
    expect(usedPercent("3", "2")).toBe(100);
    expect(usedPercent(undefined, "2")).toBe(0);
    expect(usedPercent("2 cores", "2")).toBe(0);
    expect(usedPercent("1", "0")).toBe(0);
    expect(usedPercent("1", "lots")).toBe(0);
  });
});
