/**
 * Runs real components under Pulumi's own mock runtime (`pulumi.runtime.setMocks`) and records what the
 * engine would have been asked to create. Tests only: the mock runtime is process-global.
 */
import * as pulumi from "@pulumi/pulumi";

export interface RecordedResource {
  type: string;
  name: string;
  custom: boolean;
  inputs: Record<string, unknown>;
}

// Internal to @pulumi/pulumi (not in its typings) but stable for years: resolves once every pending
// registration has reached the (mock) monitor. Without it a test could compare a half-built stack.
const { waitForRPCs } = pulumi.runtime as unknown as { waitForRPCs: () => Promise<void> };

export async function recordResources(build: () => unknown): Promise<RecordedResource[]> {
  if (typeof waitForRPCs !== "function") throw new Error("@pulumi/pulumi no longer exposes runtime.waitForRPCs");
  const recorded: RecordedResource[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        recorded.push({ type: args.type, name: args.name, custom: args.custom ?? true, inputs: args.inputs });
        return { id: args.custom === false ? undefined : `${args.name}-id`, state: args.inputs };
      },
      call(args) {
        return args.inputs;
      },
    },
    "babyhelm-test",
    "test",
    false,
  );
  await build();
  await waitForRPCs();
  return recorded;
}

/** The Pulumi type token of a Kubernetes object, e.g. `kubernetes:apps/v1:Deployment`. */
export function kubernetesTypeToken(object: { apiVersion: string; kind: string }): string {
  const [group, version] = object.apiVersion.includes("/") ? object.apiVersion.split("/") : ["core", object.apiVersion];
  return `kubernetes:${group}/${version}:${object.kind}`;
}

/** A stable identity for comparing objects regardless of the order they were registered in. */
export function objectKey(object: { apiVersion?: unknown; kind?: unknown; metadata?: unknown }): string {
  const metadata = (object.metadata ?? {}) as { namespace?: string; name?: string };
  return `${String(object.apiVersion)}/${String(object.kind)}/${metadata.namespace ?? ""}/${metadata.name ?? ""}`;
}

/** Pulumi's marker for a secret value on the wire (`4dabf18193072939515e22adb298388d` in its RPC protocol). */
const SECRET_SIGNATURE_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270";

export function isSecretValue(value: unknown): value is { value: unknown } {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SECRET_SIGNATURE_KEY] === SECRET_SIGNATURE;
}

/** The inputs with secret markers removed, and the paths that were secret (e.g. `stringData`). */
export function revealSecrets(value: unknown, path = ""): { value: unknown; secretPaths: string[] } {
  if (isSecretValue(value)) {
    const inner = revealSecrets(value.value, path);
    return { value: inner.value, secretPaths: [path, ...inner.secretPaths] };
  }
  if (Array.isArray(value)) {
    const items = value.map((item, index) => revealSecrets(item, `${path}[${index}]`));
    return { value: items.map((item) => item.value), secretPaths: items.flatMap((item) => item.secretPaths) };
  }
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value).map(([key, item]) => [key, revealSecrets(item, path ? `${path}.${key}` : key)] as const);
    return {
      value: Object.fromEntries(entries.map(([key, item]) => [key, item.value])),
      secretPaths: entries.flatMap(([, item]) => item.secretPaths),
    };
  }
  return { value, secretPaths: [] };
}
