/**
 * Personal access tokens: `bh_` and 43 random characters, shown once, stored as a keyed hash. A token may
 * be limited to one of its user's projects and capped at a role (see access/token-scope.ts), and expire.
 */
import type { createTokenBody } from "@babyhelm/sdk/api";
import type { z } from "zod";
import type { Models } from "../db/database.js";
import { invalidRequest, tokenExpired } from "../errors.js";
import { roleAtLeast } from "../access/token-scope.js";
import type { ApiToken } from "../models/ApiToken.js";
import type { Role } from "../models/ProjectMember.js";
import type { User } from "../models/User.js";
import { announceAuthChange, type AuthCache } from "./auth-cache.js";
import { API_TOKEN_PREFIX, randomApiToken, tokenHash } from "./tokens.js";

const DAY_MS = 24 * 3_600_000;

/**
 * A token to create; project, role and expiry left out (or null): all the user's projects, their role,
 * never. `project` is a name; the token is bound to that project's id. 1 to TOKEN_MAX_DAYS days (the contract).
 */
export type NewApiToken = z.output<typeof createTokenBody>;

/** A token as listed: with the name of the project it is limited to. */
export type ListedApiToken = ApiToken & { projectName: string | null };

/** Writing last-used on every request would turn reads into writes; once a minute is precise enough. */
const LAST_USED_PRECISION_MS = 60 * 1000;
const SHOWN_PREFIX_LENGTH = API_TOKEN_PREFIX.length + 6;

export function presentApiToken(token: ListedApiToken) {
  return {
    id: token.id,
    name: token.name,
    prefix: token.prefix,
    project: token.projectName,
    role: token.role,
    expiresAt: token.expiresAt,
    createdAt: token.createdAt,
    lastUsedAt: token.lastUsedAt,
  };
}

export class ApiTokens {
  constructor(
    private readonly models: Models,
    private readonly secret: string,
    private readonly cache: AuthCache<{ user: User; apiToken?: ApiToken }>,
  ) {}

  /** 400 at `project` for a project the user is not a member of, at `role` for more than the user's role there. */
  async create(user: User, input: NewApiToken): Promise<{ token: string; apiToken: ListedApiToken }> {
    const project = input.project ? await this.memberProject(user, input.project) : undefined;
    const role = input.role ?? null;
    if (project && role && !roleAtLeast(project.role, role)) {
      throw invalidRequest([
        { path: "role", message: `your role in "${project.name}" is ${project.role}; a token cannot do more than you: choose ${project.role} or lower, or leave role out` },
      ]);
    }
    const token = randomApiToken();
    const apiToken = await this.models.ApiToken.query().insertAndFetch({
      userId: user.id,
      name: input.name,
      prefix: token.slice(0, SHOWN_PREFIX_LENGTH),
      tokenHash: tokenHash(this.secret, token),
      projectId: project?.id ?? null,
      role,
      expiresAt: input.expiresInDays ? new Date(Date.now() + input.expiresInDays * DAY_MS) : null,
    });
    return { token, apiToken: Object.assign(apiToken, { projectName: project?.name ?? null }) };
  }

  async list(user: User): Promise<ListedApiToken[]> {
    const tokens = await this.models.ApiToken.query()
      .select("api_tokens.*", "projects.name as projectName")
      .leftJoin("projects", "projects.id", "api_tokens.project_id")
      .where("api_tokens.user_id", user.id)
      .orderBy("api_tokens.id");
    return tokens as ListedApiToken[];
  }

  /** The user's project of that name, with their role; another user's project is as unknown as none. */
  private async memberProject(user: User, name: string): Promise<{ id: string; name: string; role: Role }> {
    const found = await this.models.Project.query()
      .select("projects.id", "projects.name", "project_members.role")
      .join("project_members", "project_members.project_id", "projects.id")
      .where({ "projects.name": name, "project_members.user_id": user.id })
      .first();
    if (!found)
      throw invalidRequest([
        { path: "project", message: `you are not a member of a project named "${name}": give the name of one of your projects, or leave project out for all of them` },
      ]);
    return found as unknown as { id: string; name: string; role: Role };
  }

  /** Deletes the user's token; false when there is none with that id (another user's token included). */
  async revoke(user: User, id: string): Promise<boolean> {
    if (!/^\d{1,18}$/.test(id)) return false;
    const revoked = await this.models.ApiToken.query().delete().where({ id, userId: user.id });
    if (revoked === 0) return false;
    this.cache.dropUser(user.id);
    await announceAuthChange(this.models.ApiToken.knex(), user.id);
    return true;
  }

  /** The token's user; undefined when there is no such token; 401 token_expired once it expired. */
  async authenticate(token: string): Promise<{ apiToken: ApiToken; user: User } | undefined> {
    if (!token.startsWith(API_TOKEN_PREFIX)) return undefined;
    const key = `token:${token}`;
    let found = this.cache.get(key);
    if (!found) {
      const apiToken = await this.models.ApiToken.query().findOne({ tokenHash: tokenHash(this.secret, token) });
      const user = apiToken && (await this.models.User.query().findById(apiToken.userId));
      if (!apiToken || !user) return undefined;
      found = { apiToken, user };
      this.cache.set(key, user.id, found);
    }
    const { apiToken, user } = found as { apiToken: ApiToken; user: User };
    const now = Date.now();
    if (apiToken.expiresAt && apiToken.expiresAt.getTime() <= now) throw tokenExpired(apiToken.expiresAt);
    if (!apiToken.lastUsedAt || now - apiToken.lastUsedAt.getTime() > LAST_USED_PRECISION_MS) {
      await this.models.ApiToken.query()
        .patch({ lastUsedAt: new Date(now) })
        .findById(apiToken.id);
      apiToken.lastUsedAt = new Date(now);
    }
    return { apiToken, user };
  }
}
