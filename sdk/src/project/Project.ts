import * as pulumi from "@pulumi/pulumi";
import { App } from "../app/App.js";
import { ProjectDashboard } from "../monitoring/ProjectDashboard.js";
import { UserNamespace } from "../namespace/UserNamespace.js";
import { resolvePlatformOptions, type PlatformOptions } from "../platform.js";
import { resolveSecretChecksumKey } from "../pulumi/secret-checksum-key.js";
import { checkProjectSpec } from "../render/render.js";
import { ProjectSpecError } from "../spec/errors.js";
import type { ProjectSpec, ProjectSpecInput } from "../spec/schema.js";

export interface ProjectArgs {
  /** The whole project as a ProjectSpec (DESIGN.md §3), parsed with its defaults; invalid specs throw with every problem listed. */
  spec: ProjectSpecInput | ProjectSpec;
  /** How the cluster is set up. Default: `DEFAULT_PLATFORM_OPTIONS`. */
  platform?: PlatformOptions;
  /**
   * Keys the `babyhelm.io/secret-env-checksum` annotation of apps with `secretEnv` (an HMAC of their secret
   * values: a new value restarts the pods, and nobody without the key can check a guess against it); at
   * least 16 characters. Default: the stack's config `babyhelm:secretChecksumKey`
   * (`pulumi config set --secret babyhelm:secretChecksumKey "$(openssl rand -hex 32)"`). Required when an
   * app has `secretEnv`; `renderProject` given the same key renders the same annotation.
   */
  secretChecksumKey?: string;
}

/**
 * A whole project: its hardened namespace and every app in it. `renderProject` returns exactly the
 * objects this component creates.
 */
export class Project extends pulumi.ComponentResource {
  public readonly spec: ProjectSpec;
  public readonly namespace: UserNamespace;
  public readonly apps: Record<string, App>;
  /** The namespace's name, resolved once the namespace exists. */
  public readonly namespaceName: pulumi.Output<string>;
  /** The project's Grafana dashboard, unless `monitoring.dashboard` is false. */
  public readonly dashboard?: ProjectDashboard;
  /** In-cluster URLs of the apps that have a port, by app name. */
  public readonly urls: Record<string, string>;

  constructor(name: string, args: ProjectArgs, opts?: pulumi.ComponentResourceOptions) {
    const platform = resolvePlatformOptions(args.platform);
    const spec = checkProjectSpec(args.spec, platform);
    const checksumKey = resolveSecretChecksumKey(
      args.secretChecksumKey,
      spec.apps.some((app) => Object.keys(app.secretEnv ?? {}).length > 0),
    );
    if (checksumKey.issue) throw new ProjectSpecError([checksumKey.issue], `Project "${name}"`);
    super("babyhelm:index:Project", name, {}, opts);

    this.spec = spec;
    // Children are named after this component, not the spec: two Projects in one stack never collide.
    this.namespace = new UserNamespace(name, { name: spec.name, quota: spec.quota, owner: spec.owner, displayName: spec.displayName, platform }, { parent: this });
    this.namespaceName = this.namespace.name;
    this.apps = {};
    this.urls = {};
    for (const { name: appName, ...fields } of spec.apps) {
      const app = new App(
        `${name}/${appName}`,
        { ...fields, name: appName, namespace: this.namespace.name, project: spec.name, platform, secretChecksumKey: checksumKey.key },
        { parent: this },
      );
      this.apps[appName] = app;
      if (app.url) this.urls[appName] = app.url;
    }
    if (spec.monitoring.dashboard) {
      this.dashboard = new ProjectDashboard(name, { project: spec.name, apps: spec.apps, displayName: spec.displayName, platform }, { parent: this });
    }
    this.registerOutputs({ namespace: this.namespaceName, apps: Object.keys(this.apps), urls: this.urls });
  }
}
