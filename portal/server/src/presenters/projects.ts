/** Projects as the API shows them: one project, and the rows of the project list. */
import type { Project as ProjectAnswer, ProjectListItem } from "@babyhelm/sdk/api";
import type { Wire } from "../http/wire.js";
import type { Project } from "../models/Project.js";
import type { Role } from "../models/ProjectMember.js";
import type { ProjectListRow } from "../services/projects/index.js";

/** A project's own fields; GET /api/projects/:name adds its usage, apps and last deployment. */
export type ProjectFields = Omit<ProjectAnswer, "usage" | "apps" | "lastDeployment">;

export function presentProject(project: Project, role: Role): Wire<ProjectFields> {
  return {
    name: project.name,
    displayName: project.displayName,
    role,
    quota: { cpu: project.quotaCpu, memory: project.quotaMemory, pods: project.quotaPods },
    monitoring: { dashboard: project.monitoringDashboard },
    deployed: project.stackCreatedAt !== null,
    /** When the project (a preview environment) is destroyed and removed; null: never. */
    expiresAt: project.expiresAt ?? null,
    createdAt: project.createdAt,
    updatedAt: project.updatedAt,
  };
}

/** One entry of GET /api/projects. */
export function presentProjectSummary(row: ProjectListRow): Wire<ProjectListItem> {
  return {
    name: row.name,
    displayName: row.display_name,
    role: row.role,
    quota: { cpu: row.quota_cpu, memory: row.quota_memory, pods: row.quota_pods },
    appCount: row.app_count,
    createdAt: row.created_at,
    expiresAt: row.expires_at ?? null,
    lastDeployment: row.deployment_id
      ? { id: String(row.deployment_id), kind: row.deployment_kind, status: row.deployment_status, createdAt: row.deployment_created_at, finishedAt: row.deployment_finished_at }
      : null,
  };
}
