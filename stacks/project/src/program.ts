/**
 * The per-project Pulumi program. `pulumi up` runs it through `index.ts` with the spec from stack config;
 * the portal runs `createProjectProgram` inline through the Automation API with the stored spec.
 */
import { Project, type PlatformOptions } from "@babyhelm/sdk";

export { readProjectConfig } from "./config.js";

export interface ProjectProgramArgs {
  /** A ProjectSpec (DESIGN.md §3), parsed and checked by `Project`. */
  spec: unknown;
  /** How the cluster is set up. Default: the SDK's `DEFAULT_PLATFORM_OPTIONS`. */
  platform?: PlatformOptions;
}

/** Creates the project's resources and returns the stack outputs. */
export function buildProjectStack(args: ProjectProgramArgs) {
  const project = new Project(projectName(args.spec), { spec: args.spec as never, platform: args.platform });
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
