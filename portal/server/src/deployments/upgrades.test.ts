import { describe, expect, it } from "vitest";
import type { UpgradeProject } from "../models/Upgrade.js";
import { nextStep } from "./upgrades.js";

const entry = (project: string, status: UpgradeProject["status"], canary = false): UpgradeProject => ({
  project,
  projectId: `id-${project}`,
  canary,
  status,
  deploymentId: null,
  error: null,
});

describe("a rollout's next step", () => {
  it("starts the canary alone, and waits for it", () => {
    expect(nextStep([entry("a", "pending", true), entry("b", "pending"), entry("c", "pending")], 2)).toEqual({ start: ["id-a"] });
    expect(nextStep([entry("a", "deploying", true), entry("b", "pending")], 2)).toEqual({ start: [] });
  });

  it("then the others, never more at once than the concurrency", () => {
    expect(nextStep([entry("a", "succeeded", true), entry("b", "pending"), entry("c", "pending"), entry("d", "pending")], 2)).toEqual({ start: ["id-b", "id-c"] });
    expect(nextStep([entry("a", "succeeded", true), entry("b", "deploying"), entry("c", "pending"), entry("d", "pending")], 2)).toEqual({ start: ["id-c"] });
    expect(nextStep([entry("a", "succeeded", true), entry("b", "deploying"), entry("c", "deploying"), entry("d", "pending")], 2)).toEqual({ start: [] });
  });

  it("stops at the first failure, the canary's included, naming the project", () => {
    const failed = { ...entry("a", "failed", true), error: "pulumi failed: error: boom" };
    expect(nextStep([failed, entry("b", "pending")], 2)).toEqual({
      start: [],
      done: "failed",
      error: "Stopped: a failed (pulumi failed: error: boom); the projects after it were not upgraded.",
    });
    expect(nextStep([entry("a", "succeeded", true), entry("b", "failed"), entry("c", "deploying"), entry("d", "pending")], 3).done).toBe("failed");
  });

  it("is done when every project succeeded", () => {
    expect(nextStep([entry("a", "succeeded", true), entry("b", "succeeded")], 2)).toEqual({ start: [], done: "succeeded" });
  });
});
