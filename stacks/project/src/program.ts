/**
 * The per-project Pulumi program. `pulumi up` runs it through `index.ts` with the spec from stack config;
 * the portal runs `createProjectProgram` inline through the Automation API with the stored spec.
 */
import * as k8s from "@pulumi/kubernetes";
import { Project, type PlatformOptions } from "@babyhelm/sdk";

export { readProjectConfig } from "./config.js";

export interface ProjectProgramArgs {
  /** A ProjectSpec (DESIGN.md §3), parsed and checked by `Project`. */
  spec: unknown;
  /** How the cluster is set up. Default: the SDK's `DEFAULT_PLATFORM_OPTIONS`. */
  platform?: PlatformOptions;
  /**
   * Keys the pod templates' `babyhelm.io/secret-env-checksum` (an HMAC of the secret values). The portal
   * passes one derived from its SECRETS_KEY for the project; `pulumi up` takes the stack's
   * `babyhelm:secretChecksumKey`. Default: that config value, which `Project` reads itself.
   */
  secretChecksumKey?: string;
}

/**
 * Creates the project's resources and returns the stack outputs. The Kubernetes provider updates Secrets
 * and ConfigMaps in place: by default it replaces them on any change, which for BabyHelm's fixed object
 * names means delete, then create (a rotated secret would be missing for a moment, and pods starting
 * then fail). Pods still roll on a secret change: the pod template carries the secret's checksum.
 */
export function buildProjectStack(args: ProjectProgramArgs) {
  const provider = new k8s.Provider("kubernetes", { enableSecretMutable: true, enableConfigMapMutable: true });
  const project = new Project(projectName(args.spec), { spec: args.spec as never, platform: args.platform, secretChecksumKey: args.secretChecksumKey }, { providers: [provider] });
  return {
    namespace: project.namespaceName,
    apps: Object.keys(project.apps),
    urls: project.urls,
  };
}

/** An inline program for `LocalWorkspace.createOrSelectStack({ program })`. */
export function createProjectProgram(args: ProjectProgramArgs) {
  return async () => buildProjectStack(args);
}

/** The component's name; a missing or bad name is reported by Project's own spec check. */
function projectName(spec: unknown): string {
  const name = (spec as { name?: unknown } | null)?.name;
  return typeof name === "string" && name.length > 0 ? name : "project";
}
