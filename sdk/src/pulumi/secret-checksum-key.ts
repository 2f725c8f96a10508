/**
 * The key `Project` and `App` key the secret checksum with (app/secret-checksum.ts): the one they are
 * given, else the stack's config `babyhelm:secretChecksumKey`. Apps with secrets need one: a deploy never
 * falls back to an unkeyed or guessable checksum.
 */
import * as pulumi from "@pulumi/pulumi";
import { SECRET_CHECKSUM_KEY_COMMAND, SECRET_CHECKSUM_KEY_CONFIG, secretChecksumKeyProblem } from "../app/secret-checksum.js";
import type { SpecIssue } from "../spec/errors.js";

export interface ResolvedSecretChecksumKey {
  key?: string;
  /** What is wrong with the key, at `secretChecksumKey` (given) or at the config key (read from the stack). */
  issue?: SpecIssue;
}

/** `needed`: some app of the component has `secretEnv`; a key is then required, otherwise only checked. */
export function resolveSecretChecksumKey(given: string | undefined, needed: boolean): ResolvedSecretChecksumKey {
  if (given !== undefined) {
    const problem = secretChecksumKeyProblem(given);
    return problem ? { issue: { path: "secretChecksumKey", message: problem } } : { key: given };
  }
  const [namespace, name] = SECRET_CHECKSUM_KEY_CONFIG.split(":") as [string, string];
  const configured = configValue(namespace, name);
  if (configured !== undefined) {
    const problem = secretChecksumKeyProblem(configured);
    return problem ? { issue: { path: SECRET_CHECKSUM_KEY_CONFIG, message: `${problem}; set a new one with ${SECRET_CHECKSUM_KEY_COMMAND}` } } : { key: configured };
  }
  if (!needed) return {};
  return {
    issue: {
      path: "secretChecksumKey",
      message:
        "is required for apps with secretEnv: it keys the babyhelm.io/secret-env-checksum annotation, so that only its holder can check a guess of a secret against it. " +
        `Pass secretChecksumKey, or set it once in the stack's config: ${SECRET_CHECKSUM_KEY_COMMAND}`,
    },
  };
}

/**
 * The stack's config value, or undefined. A stack with no config at all makes @pulumi/pulumi's own config
 * reader throw a TypeError (it parses an empty PULUMI_CONFIG to null): that is "not set", so the user gets
 * the message above with the command to run, not a stack trace from inside Pulumi.
 */
function configValue(namespace: string, name: string): string | undefined {
  try {
    return new pulumi.Config(namespace).get(name);
  } catch (error) {
    if (error instanceof TypeError) return undefined;
    throw error;
  }
}
