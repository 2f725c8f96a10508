/**
 * The project list read model: a user's projects with their role, number of apps and last deployment, in
 * one query whose cost depends on the user's projects only (indexes on members, apps and deployments), not
 * on the platform's size. A limited token sees only its project, with the role it acts with
 * (access/token-scope.ts). presenters/projects.ts shapes its rows.
 */
import { cappedRole, type TokenLimits } from "../../access/token-scope.js";
import type { Database } from "../../db/database.js";
import type { DeploymentKind, DeploymentStatus } from "../../models/Deployment.js";
import type { Role } from "../../models/ProjectMember.js";
import type { User } from "../../models/User.js";

/**
 * A raw query's rows keep their column names (snake_case): the mappers only rename query builders' results.
 * The last deployment's columns come from a left join: all of them, or none.
 */
export type ProjectListRow = {
  id: string;
  name: string;
  display_name: string | null;
  quota_cpu: string;
  quota_memory: string;
  quota_pods: number;
  created_at: Date;
  expires_at: Date | null;
  role: Role;
  app_count: number;
} & (
  | { deployment_id: string; deployment_kind: DeploymentKind; deployment_status: DeploymentStatus; deployment_created_at: Date; deployment_finished_at: Date | null }
  | { deployment_id: null; deployment_kind: null; deployment_status: null; deployment_created_at: null; deployment_finished_at: null }
);

export async function listProjectsOf(db: Database, user: User, limits?: TokenLimits): Promise<ProjectListRow[]> {
  const { rows } = await db.knex.raw<{ rows: ProjectListRow[] }>(
    `select p.id, p.name, p.display_name, p.quota_cpu, p.quota_memory, p.quota_pods, p.created_at, p.expires_at, m.role,
            (select count(*)::int from apps a where a.project_id = p.id) as app_count,
            d.id as deployment_id, d.kind as deployment_kind, d.status as deployment_status,
            d.created_at as deployment_created_at, d.finished_at as deployment_finished_at
       from project_members m
       join projects p on p.id = m.project_id
       left join lateral (select id, kind, status, created_at, finished_at from deployments
                           where project_id = p.id and kind in ('up', 'destroy') order by id desc limit 1) d on true
      where m.user_id = ?${limits?.projectId ? " and p.id = ?" : ""}
      order by p.name`,
    limits?.projectId ? [user.id, limits.projectId] : [user.id],
  );
  return rows.map((row) => ({ ...row, role: cappedRole(limits, row.role) }));
}
