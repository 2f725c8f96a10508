/** The limits policy without a database: what a user is told when a project or quota would exceed their limits. */
import { describe, expect, it } from "vitest";
import { AppError } from "../../errors.js";
import { checkWithinLimits, DEFAULT_LIMITS, limitsWith, type LimitsQuestion } from "./limits.js";

const alice = { email: "alice@example.com" };
const project = (id: string, quotaCpu: string, quotaMemory: string) => ({ id, quotaCpu, quotaMemory });

function refusal(question: LimitsQuestion): AppError {
  try {
    checkWithinLimits(question);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("the check passed");
}

describe("limits of a user", () => {
  it("are the defaults, each overridden by what an admin set", () => {
    expect(limitsWith(undefined)).toEqual({ maxProjects: 5, maxCpu: "4", maxMemory: "8Gi" });
    expect(limitsWith({ maxProjects: null, maxCpu: "10", maxMemory: null })).toEqual({ maxProjects: DEFAULT_LIMITS.maxProjects, maxCpu: "10", maxMemory: "8Gi" });
    expect(limitsWith({ maxProjects: 0, maxCpu: null, maxMemory: "1Gi" })).toEqual({ maxProjects: 0, maxCpu: "4", maxMemory: "1Gi" });
  });
});

describe("checkWithinLimits", () => {
  const limits = { maxProjects: 2, maxCpu: "4", maxMemory: "8Gi" };

  it("lets a new project in while the owner has a slot and the quotas fit, up to the limit exactly", () => {
    expect(() => checkWithinLimits({ owner: alice, limits, owned: [project("1", "2", "4Gi")], quota: { cpu: "2", memory: "4Gi" }, self: true })).not.toThrow();
    // 1.5 + 2.5 = 4 CPU: rounding to millicores keeps a sum of decimals from being refused.
    expect(() => checkWithinLimits({ owner: alice, limits, owned: [project("1", "1500m", "1Gi")], quota: { cpu: "2.5", memory: "1Gi" }, self: true })).not.toThrow();
  });

  it("refuses a project over the owner's number of projects, saying what to do", () => {
    const error = refusal({ owner: alice, limits, owned: [project("1", "1", "1Gi"), project("2", "1", "1Gi")], quota: { cpu: "1", memory: "1Gi" }, self: true });
    expect(error).toMatchObject({ status: 403, code: "limit_exceeded", details: { limit: "maxProjects", value: 2 } });
    expect(error.message).toBe("You own 2 projects, your limit; delete one, or ask a platform admin to raise it.");
  });

  it("names another owner, in the singular for one project", () => {
    const error = refusal({
      owner: alice,
      limits: { ...limits, maxProjects: 1 },
      owned: [project("1", "1", "1Gi")],
      quota: { cpu: "1", memory: "1Gi" },
      projectId: "9",
      self: false,
    });
    expect(error.message).toBe("alice@example.com owns 1 project, their limit; they can delete one, or a platform admin can raise it.");
  });

  it("counts a project the owner owns already once: changing its quota takes no new slot", () => {
    const owned = [project("1", "1", "1Gi"), project("2", "1", "1Gi")];
    expect(() => checkWithinLimits({ owner: alice, limits, owned, quota: { cpu: "3", memory: "7Gi" }, projectId: "2", self: true })).not.toThrow();
  });

  it("refuses quotas that would total more CPU and memory than the limits, each at its field", () => {
    const error = refusal({ owner: alice, limits, owned: [project("1", "3", "6Gi")], quota: { cpu: "1500m", memory: "3Gi" }, self: true });
    expect(error).toMatchObject({ status: 403, code: "limit_exceeded" });
    expect(error.details).toEqual([
      { path: "quota.cpu", message: "your projects' quotas would total 4500m CPU; your limit is 4" },
      { path: "quota.memory", message: "your projects' quotas would total 9Gi of memory; your limit is 8Gi" },
    ]);
    expect(error.message).toBe(
      "quota.cpu: your projects' quotas would total 4500m CPU; your limit is 4; quota.memory: your projects' quotas would total 9Gi of memory; your limit is 8Gi. Lower the quota, or ask a platform admin to raise your limit.",
    );
  });

  it("tells whoever asks about another owner's limit which owner it is", () => {
    const error = refusal({ owner: alice, limits, owned: [project("1", "4", "1Gi"), project("2", "1", "1Gi")], quota: { cpu: "1", memory: "1Gi" }, projectId: "2", self: false });
    expect(error.details).toEqual([{ path: "quota.cpu", message: "the quotas of the projects alice@example.com owns would total 5 CPU; their limit is 4" }]);
    expect(error.message).toMatch(/Lower the quota, or ask a platform admin to raise alice@example\.com's limit\.$/);
  });
});
