/** Personal access tokens: `bh_` and 43 random characters, shown once, stored as a keyed hash. */
import type { Models } from "../db/database.js";
import type { ApiToken } from "../models/ApiToken.js";
import type { User } from "../models/User.js";
import { announceAuthChange, type AuthCache } from "./auth-cache.js";
import { API_TOKEN_PREFIX, randomApiToken, tokenHash } from "./tokens.js";

/** Writing last-used on every request would turn reads into writes; once a minute is precise enough. */
const LAST_USED_PRECISION_MS = 60 * 1000;
const SHOWN_PREFIX_LENGTH = API_TOKEN_PREFIX.length + 6;

export function presentApiToken(token: ApiToken) {
  return { id: token.id, name: token.name, prefix: token.prefix, createdAt: token.createdAt, lastUsedAt: token.lastUsedAt };
}

export class ApiTokens {
  constructor(
    private readonly models: Models,
    private readonly secret: string,
    private readonly cache: AuthCache<{ user: User; apiToken?: ApiToken }>,
  ) {}

  async create(user: User, name: string): Promise<{ token: string; apiToken: ApiToken }> {
    const token = randomApiToken();
    const apiToken = await this.models.ApiToken.query().insertAndFetch({
      userId: user.id,
      name,
      prefix: token.slice(0, SHOWN_PREFIX_LENGTH),
      tokenHash: tokenHash(this.secret, token),
    });
    return { token, apiToken };
  }

  async list(user: User): Promise<ApiToken[]> {
    return await this.models.ApiToken.query().where({ userId: user.id }).orderBy("id");
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
    if (!apiToken.lastUsedAt || now - apiToken.lastUsedAt.getTime() > LAST_USED_PRECISION_MS) {
      await this.models.ApiToken.query().patch({ lastUsedAt: new Date(now) }).findById(apiToken.id);
      apiToken.lastUsedAt = new Date(now);
    }
    return { apiToken, user };
  }
}
