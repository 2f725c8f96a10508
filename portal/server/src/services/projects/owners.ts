/**
 * The owner rule, pure: a project keeps at least one owner. Demoting or removing a member (members.ts)
 * and deleting an account (services/accounts.ts) both ask it, with the owners they read under a lock.
 */
import { AppError } from "../../errors.js";

/** Whether a project whose owners are `ownerIds` still has one once `leavingUserId` is not one any more. */
export function keepsAnOwner(ownerIds: readonly string[], leavingUserId: string): boolean {
  return ownerIds.some((id) => id !== leavingUserId);
}

/** Of the projects given with their owners (in the order given), those `leavingUserId` would leave without one. */
export function projectsLeftWithoutOwner(owners: Iterable<{ project: string; ownerIds: readonly string[] }>, leavingUserId: string): string[] {
  return [...owners].filter((entry) => !keepsAnOwner(entry.ownerIds, leavingUserId)).map((entry) => entry.project);
}

/** 409 for a member change that would leave the project without an owner. */
export function lastOwner(): AppError {
  return new AppError(409, "last_owner", "A project needs an owner: make someone else an owner first.");
}

/** 409 for an account deletion that would leave `projects` without an owner; `details.projects` names them. */
export function soleOwner(projects: string[]): AppError {
  const names = projects.map((name) => `"${name}"`).join(", ");
  return new AppError(
    409,
    "sole_owner",
    projects.length === 1
      ? `You are the only owner of the project ${names}; transfer ownership to another member or delete the project first.`
      : `You are the only owner of the projects ${names}; transfer ownership to another member or delete these projects first.`,
    { projects },
  );
}
