import { createHmac, createSecretKey, randomBytes, type KeyObject } from "node:crypto";

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
  return createHmac("sha256", hmacKey(secret)).update(token).digest("hex");
}

// Preparing the key is most of an HMAC's cost; every authenticated request hashes its credential.
const keys = new Map<string, KeyObject>();
function hmacKey(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) keys.set(secret, (key = createSecretKey(Buffer.from(secret, "utf8"))));
  return key;
}
