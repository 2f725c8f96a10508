import * as pulumi from "@pulumi/pulumi";
import { resolvePlatformOptions, type PlatformOptions } from "../platform.js";
import { createKubernetesResource } from "../pulumi/kubernetes-resource.js";
import { ProjectSpecError, type SpecIssue } from "../spec/errors.js";
import { nameProblem } from "../spec/names.js";
import { buildProjectDashboardConfigMap } from "./builders.js";

export interface ProjectDashboardArgs {
  /** The project (and namespace) the dashboard shows. */
  project: string;
  /** The project's apps, by name or as ProjectSpec apps; offered in the dashboard's app selector. */
  apps: readonly (string | { name: string })[];
  /** Shown in the dashboard's title instead of the project's name. Default: the name. */
  displayName?: string;
  /** Where Grafana's sidecar looks for dashboards. Default: `DEFAULT_PLATFORM_OPTIONS` (namespace `monitoring`). */
  platform?: PlatformOptions;
}

/** The project's Grafana dashboard, as a ConfigMap in the monitoring namespace that Grafana's sidecar loads. */
export class ProjectDashboard extends pulumi.ComponentResource {
  public readonly configMapName: string;

  constructor(name: string, args: ProjectDashboardArgs, opts?: pulumi.ComponentResourceOptions) {
    const platform = resolvePlatformOptions(args.platform);
    const apps = (args.apps ?? []).map((app) => (typeof app === "string" ? app : app.name));
    const issues: SpecIssue[] = [];
    const projectProblem = typeof args.project === "string" ? nameProblem(args.project) : "is required";
    if (projectProblem) issues.push({ path: "project", message: projectProblem });
    apps.forEach((app, index) => {
      const problem = nameProblem(String(app));
      if (problem) issues.push({ path: `apps[${index}]`, message: problem });
    });
    if (issues.length > 0) throw new ProjectSpecError(issues, `ProjectDashboard "${name}"`);
    super("babyhelm:index:ProjectDashboard", name, {}, opts);

    const configMap = buildProjectDashboardConfigMap({ project: args.project, apps, displayName: args.displayName }, platform);
    createKubernetesResource(`${name}/dashboard`, configMap, { parent: this });
    this.configMapName = configMap.metadata.name;
    this.registerOutputs({ configMapName: this.configMapName });
  }
}
