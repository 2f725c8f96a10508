/**
 * What a deployment keeps of what it deployed: the spec (secret values masked, and separately encrypted
 * with SECRETS_KEY as they are at rest), the SDK version, and the rendered objects (masked) with the
 * sha256 of their canonical JSON. Enough to show, diff, roll back to, and compare with a newer SDK's render.
 */
import { createHash } from "node:crypto";
import { buildProjectObjects, maskSecrets, parseProjectSpec, SDK_VERSION, type KubernetesObject, type PlatformOptions, type ProjectSpec } from "@babyhelm/sdk";
import { decryptJson, encryptJson } from "../services/secret-box.js";
import { MASK } from "../services/project-spec.js";
import { projectSecretChecksumKey } from "../services/secret-checksum-key.js";

export interface DeploymentRecord {
  spec: ProjectSpec;
  specSecretsEncrypted: string | null;
  sdkVersion: string;
  manifests: KubernetesObject[];
  manifestsDigest: string;
}

function secretsContext(projectId: string, deploymentId: string): string {
  return `project:${projectId}/deployment:${deploymentId}`;
}

/** JSON with every object's keys sorted: the same objects always give the same digest. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, entry: unknown) =>
    entry !== null && typeof entry === "object" && !Array.isArray(entry) ? Object.fromEntries(Object.entries(entry).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : entry,
  );
}

export function manifestsDigest(objects: KubernetesObject[]): string {
  return `sha256:${createHash("sha256").update(canonicalJson(objects)).digest("hex")}`;
}

/**
 * The spec's objects as this SDK renders them on this platform, Secret values masked; the secret checksum
 * keyed as the deploy keys it (with the project's key derived from SECRETS_KEY).
 */
export function renderMasked(spec: ProjectSpec, platform: PlatformOptions, secretsKey: Buffer): KubernetesObject[] {
  return maskSecrets(buildProjectObjects(spec, { platform, secretChecksumKey: projectSecretChecksumKey(secretsKey, spec.name) }));
}

export function maskSpec(spec: ProjectSpec): ProjectSpec {
  return { ...spec, apps: spec.apps.map((app) => (app.secretEnv ? { ...app, secretEnv: Object.fromEntries(Object.keys(app.secretEnv).map((key) => [key, MASK])) } : app)) };
}

/** The spec of deployment `ids.id` as it is kept: masked, its secret values encrypted for that deployment. */
export function specRecordOf(spec: ProjectSpec, key: Buffer, ids: { projectId: string; id: string }): Pick<DeploymentRecord, "spec" | "specSecretsEncrypted"> {
  const secrets = Object.fromEntries(spec.apps.filter((app) => app.secretEnv && Object.keys(app.secretEnv).length > 0).map((app) => [app.name, app.secretEnv!]));
  return {
    spec: maskSpec(spec),
    specSecretsEncrypted: Object.keys(secrets).length > 0 ? encryptJson(key, secrets, secretsContext(ids.projectId, ids.id)) : null,
  };
}

/** The record of deploying `spec` (with its secret values) as deployment `ids.id`. */
export function recordOf(spec: ProjectSpec, platform: PlatformOptions, key: Buffer, ids: { projectId: string; id: string }): DeploymentRecord {
  const manifests = renderMasked(spec, platform, key);
  return { ...specRecordOf(spec, key, ids), sdkVersion: SDK_VERSION, manifests, manifestsDigest: manifestsDigest(manifests) };
}

/** The spec a deployment recorded, its secret values decrypted (for a rollback or a redeploy of it). */
export function recordedSpec(deployment: { id: string; projectId: string; spec: unknown; specSecretsEncrypted: string | null }, key: Buffer): ProjectSpec {
  const spec = parseProjectSpec(deployment.spec);
  if (!deployment.specSecretsEncrypted) return spec;
  const secrets = decryptJson<Record<string, Record<string, string>>>(key, deployment.specSecretsEncrypted, secretsContext(deployment.projectId, deployment.id));
  return { ...spec, apps: spec.apps.map((app) => (secrets[app.name] ? { ...app, secretEnv: secrets[app.name] } : app)) };
}
