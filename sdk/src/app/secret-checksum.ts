/**
 * The checksum of an app's secret values on its pod template (`babyhelm.io/secret-env-checksum`): pods read
 * the values only when they start, so a new value must change the pod template to restart them. Whoever can
 * read the Deployment (any project viewer, the rendered manifests) sees the annotation, so it is an
 * HMAC-SHA256 keyed with a secret of whoever deploys: without the key nobody can check a guess of a secret
 * against it, however weak the secret. The portal keys it per project with a key derived from its
 * `SECRETS_KEY`; a `pulumi up` stack with its own random `babyhelm:secretChecksumKey` config value.
 *
 * Pure: no Pulumi runtime. The components' fallback to stack config is in `pulumi/secret-checksum-key.ts`.
 */
import { createHmac } from "node:crypto";

/**
 * The annotation's value when rendering without a key (`babyhelm render` without
 * `--secret-checksum-key-env`): it depends on no secret value, and never equals what a deploy sets.
 */
export const UNKEYED_SECRET_CHECKSUM = "unkeyed";

/** A key shorter than this could itself be guessed. */
export const SECRET_CHECKSUM_KEY_MIN_LENGTH = 16;

/** The stack config key `Project` and `App` read when no `secretChecksumKey` is passed. */
export const SECRET_CHECKSUM_KEY_CONFIG = "babyhelm:secretChecksumKey";

/** How a `pulumi up` user sets a random key once per stack (Pulumi keeps it encrypted in `Pulumi.<stack>.yaml`). */
export const SECRET_CHECKSUM_KEY_COMMAND = `pulumi config set --secret ${SECRET_CHECKSUM_KEY_CONFIG} "$(openssl rand -hex 32)"`;

/** Why `key` cannot key the checksum, or undefined when it can. Never repeats the key. */
export function secretChecksumKeyProblem(key: unknown): string | undefined {
  if (typeof key !== "string") return `must be a string, not ${key === null ? "null" : typeof key}`;
  if (key.length < SECRET_CHECKSUM_KEY_MIN_LENGTH) {
    return `is too short (${key.length} characters): use at least ${SECRET_CHECKSUM_KEY_MIN_LENGTH} random characters, such as the 64 hex digits of \`openssl rand -hex 32\``;
  }
  return undefined;
}

/**
 * HMAC-SHA256 under `key` of the app's secret values (sorted by name) with its project and app, as 64 hex
 * digits. Another value, another key, another app or another project: another checksum.
 */
export function secretEnvChecksum(key: string, project: string, app: string, secretEnv: Record<string, string>): string {
  const canonical = JSON.stringify([
    project,
    app,
    Object.keys(secretEnv)
      .sort()
      .map((name) => [name, secretEnv[name]]),
  ]);
  return createHmac("sha256", key).update(`babyhelm-secret-env-checksum/v1\n${canonical}`, "utf8").digest("hex");
}
