/**
 * Offline render: a spec becomes exactly the Kubernetes objects `Project` creates, with no Pulumi runtime
 * involved, so the portal can render in the process that runs Automation API programs.
 */
import { appObjectList, buildAppObjects } from "../app/builders.js";
import { secretChecksumKeyProblem } from "../app/secret-checksum.js";
import type { KubernetesObject } from "../kubernetes.js";
import { buildProjectDashboardConfigMap } from "../monitoring/builders.js";
import { buildNamespaceObjects, namespaceObjectList } from "../namespace/builders.js";
import { projectNamespaceProblem, resolvePlatformOptions, type PlatformOptions } from "../platform.js";
import { ProjectSpecError } from "../spec/errors.js";
import { parseProjectSpec } from "../spec/parse.js";
import type { ProjectSpec } from "../spec/schema.js";

export interface RenderOptions {
  /** How the cluster is set up (ingress and monitoring namespaces, ingress class, TLS issuer). */
  platform?: PlatformOptions;
  /**
   * Keys the `babyhelm.io/secret-env-checksum` annotation (HMAC-SHA256 of each app's secret values), as
   * `Project` and `App` do with theirs: pass the deploy's key to render exactly what it creates. Without
   * one the annotation is `UNKEYED_SECRET_CHECKSUM`, which depends on no secret value.
   */
  secretChecksumKey?: string;
}

/**
 * Validates the spec against the platform and returns it parsed. Shared with `Project` so both refuse the
 * same specs with the same message.
 */
export function checkProjectSpec(input: unknown, platform: ReturnType<typeof resolvePlatformOptions>): ProjectSpec {
  const spec = parseProjectSpec(input);
  const problem = projectNamespaceProblem(spec.name, platform);
  if (problem) throw new ProjectSpecError([{ path: "name", message: problem }]);
  return spec;
}

/**
 * The objects of a project in dependency order: the Namespace first, each app's Secret before its
 * Deployment, and last the dashboard ConfigMap, which lives in the monitoring namespace.
 */
export function buildProjectObjects(spec: ProjectSpec, options: RenderOptions = {}): KubernetesObject[] {
  const platform = resolvePlatformOptions(options.platform);
  const { secretChecksumKey } = options;
  const keyProblem = secretChecksumKey === undefined ? undefined : secretChecksumKeyProblem(secretChecksumKey);
  if (keyProblem) throw new Error(`secretChecksumKey: ${keyProblem}`);
  const namespace = buildNamespaceObjects({
    name: spec.name,
    quota: spec.quota,
    owner: spec.owner,
    displayName: spec.displayName,
    platform,
  });
  const apps = spec.apps.flatMap((app) => appObjectList(buildAppObjects(app, { project: spec.name, platform, secretChecksumKey })));
  const dashboard = spec.monitoring.dashboard
    ? [buildProjectDashboardConfigMap({ project: spec.name, apps: spec.apps.map((app) => app.name), displayName: spec.displayName }, platform)]
    : [];
  return [...namespaceObjectList(namespace), ...apps, ...dashboard];
}

/** Parses `spec` (throwing ProjectSpecError with every problem) and returns the objects `Project` would create. */
export async function renderProject(spec: unknown, options: RenderOptions = {}): Promise<KubernetesObject[]> {
  const platform = resolvePlatformOptions(options.platform);
  return buildProjectObjects(checkProjectSpec(spec, platform), { platform, secretChecksumKey: options.secretChecksumKey });
}
