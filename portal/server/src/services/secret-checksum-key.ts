/**
 * The key the portal keys a project's secret checksum with (the SDK's `secretChecksumKey`: the HMAC on pod
 * templates that restarts pods when a secret changes). Derived from SECRETS_KEY with HKDF-SHA256, one per
 * project name, so nobody without SECRETS_KEY can check a guess of a secret against the annotation any
 * viewer reads, and one project's key says nothing about another's. Never stored, logged or exported:
 * every render and deploy derives it again (a new SECRETS_KEY changes every checksum, so the next deploy of
 * each project restarts its pods with secrets once).
 */
import { hkdfSync } from "node:crypto";

const SALT = "babyhelm-portal";

/** 64 hex digits, for the project named `project`. */
export function projectSecretChecksumKey(secretsKey: Buffer, project: string): string {
  return Buffer.from(hkdfSync("sha256", secretsKey, SALT, `secret-env-checksum:${project}`, 32)).toString("hex");
}
