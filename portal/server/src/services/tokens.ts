import { createHmac, randomBytes } from "node:crypto";

/** 32 random bytes, URL-safe: e-mail links and session cookies. */
export function randomToken(): string {
  return randomBytes(32).toString("base64url");
}

export const API_TOKEN_PREFIX = "bh_";

export function randomApiToken(): string {
  return `${API_TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
}

/**
 * What is stored instead of a token: an HMAC keyed with SESSION_SECRET, so neither a database dump nor
 * the hash alone lets anyone log in.
 */
export function tokenHash(secret: string, token: string): string {
  return createHmac("sha256", secret).update(token).digest("hex");
}
