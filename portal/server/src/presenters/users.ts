/** A user as the API shows them (GET /api/me, login, confirmation). */
import type { User as UserView } from "@babyhelm/sdk/api";
import type { User } from "../models/User.js";

export type { UserView };

/**
 * Cached per user object: the credential cache hands out the same object until the user changes, and
 * GET /api/me is the portal's most frequent request.
 */
const views = new WeakMap<User, { view: UserView; updatedAt: number }>();

/** `admins` says who is a platform admin (Accounts: the flag, or ADMIN_EMAILS). */
export function presentUser(user: User, admins: { isAdmin(user: User): boolean }): UserView {
  const isAdmin = admins.isAdmin(user);
  const cached = views.get(user);
  // objection updates a model in place (and stamps updatedAt): a changed user gets a fresh view.
  if (cached && cached.updatedAt === user.updatedAt.getTime() && cached.view.isAdmin === isAdmin) return cached.view;
  const view: UserView = {
    id: user.id,
    email: user.email,
    name: user.name,
    emailConfirmed: user.emailConfirmedAt !== null,
    isAdmin,
    createdAt: user.createdAt.toISOString(),
  };
  views.set(user, { view, updatedAt: user.updatedAt.getTime() });
  return view;
}
