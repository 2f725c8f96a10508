/**
 * The limits policy, pure: what a user may own (an admin's override, or the defaults), and whether the
 * quotas of the projects they own stay within it once one project's quota is set. No database here:
 * owner-limits.ts reads the owner's limits and projects, under a lock, and asks this.
 */
import { formatCpu, formatMemory, parseQuantity } from "@babyhelm/sdk";
import { AppError, type FieldProblem } from "../../errors.js";

export const DEFAULT_LIMITS = { maxProjects: 5, maxCpu: "4", maxMemory: "8Gi" } as const;

export interface Limits {
  maxProjects: number;
  maxCpu: string;
  maxMemory: string;
}

/** An admin's override of some limits (null: not overridden), over the defaults. */
export interface LimitsOverride {
  maxProjects: number | null;
  maxCpu: string | null;
  maxMemory: string | null;
}

export function limitsWith(override: LimitsOverride | undefined): Limits {
  return {
    maxProjects: override?.maxProjects ?? DEFAULT_LIMITS.maxProjects,
    maxCpu: override?.maxCpu ?? DEFAULT_LIMITS.maxCpu,
    maxMemory: override?.maxMemory ?? DEFAULT_LIMITS.maxMemory,
  };
}

export interface LimitsQuestion {
  /** Whose limits (named in the messages, unless they are the one asking), and what they are. */
  owner: { email: string };
  limits: Limits;
  /** The projects the owner owns now (has the owner role in), with their quotas. */
  owned: readonly { id: string; quotaCpu: string; quotaMemory: string }[];
  /** The quota asked for project `projectId`; undefined: a new project. */
  quota: { cpu: string; memory: string };
  projectId?: string;
  /** The owner is the one asking: the messages say "you". */
  self: boolean;
}

/**
 * Throws 403 `limit_exceeded` when the owner would own more projects than their limit, or their projects'
 * quotas would total more CPU or memory than their limits (each such quota field in `details`).
 */
export function checkWithinLimits({ owner, limits, owned, quota, projectId, self }: LimitsQuestion): void {
  const others = owned.filter((project) => project.id !== projectId);
  // A project they do not own yet (a new one, or one they are being made an owner of) counts as one more.
  if (others.length === owned.length && owned.length >= limits.maxProjects) {
    const count = `${owned.length} project${owned.length === 1 ? "" : "s"}`;
    throw new AppError(
      403,
      "limit_exceeded",
      self
        ? `You own ${count}, your limit; delete one, or ask a platform admin to raise it.`
        : `${owner.email} owns ${count}, their limit; they can delete one, or a platform admin can raise it.`,
      { limit: "maxProjects", value: limits.maxProjects },
    );
  }
  const problems: FieldProblem[] = [];
  const whose = self ? "your projects' quotas" : `the quotas of the projects ${owner.email} owns`;
  const limit = self ? "your limit" : "their limit";
  const cpu = others.reduce((sum, project) => sum + (parseQuantity(project.quotaCpu) ?? 0), parseQuantity(quota.cpu) ?? 0);
  const memory = others.reduce((sum, project) => sum + (parseQuantity(project.quotaMemory) ?? 0), parseQuantity(quota.memory) ?? 0);
  if (Math.round(cpu * 1000) > Math.round((parseQuantity(limits.maxCpu) ?? 0) * 1000)) {
    problems.push({ path: "quota.cpu", message: `${whose} would total ${formatCpu(cpu)} CPU; ${limit} is ${limits.maxCpu}` });
  }
  if (memory > (parseQuantity(limits.maxMemory) ?? 0)) {
    problems.push({ path: "quota.memory", message: `${whose} would total ${formatMemory(memory)} of memory; ${limit} is ${limits.maxMemory}` });
  }
  if (problems.length > 0) {
    const fix = self ? "Lower the quota, or ask a platform admin to raise your limit." : `Lower the quota, or ask a platform admin to raise ${owner.email}'s limit.`;
    throw new AppError(403, "limit_exceeded", `${problems.map((problem) => `${problem.path}: ${problem.message}`).join("; ")}. ${fix}`, problems);
  }
}
