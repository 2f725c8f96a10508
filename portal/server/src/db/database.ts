/** knex and objection over one PostgreSQL; models are bound per database so several portals can share a process (tests). */
import knexFactory, { type Knex } from "knex";
import type { Logger } from "pino";
import { knexSnakeCaseMappers } from "objection";
import { migrations } from "../../../../migrations/index.js";
import { ApiToken } from "../models/ApiToken.js";
import { AppRecord } from "../models/AppRecord.js";
import { AuditEntry } from "../models/AuditEntry.js";
import { Deployment } from "../models/Deployment.js";
import { DeploymentEvent } from "../models/DeploymentEvent.js";
import { Project } from "../models/Project.js";
import { ProjectMember } from "../models/ProjectMember.js";
import { UserLimits } from "../models/UserLimits.js";
import { EmailToken } from "../models/EmailToken.js";
import { LoginFailure } from "../models/LoginFailure.js";
import { Session } from "../models/Session.js";
import { Upgrade } from "../models/Upgrade.js";
import { User } from "../models/User.js";

export function createKnex(url: string, poolMax = 10, logger?: Logger): Knex {
  return knexFactory({
    client: "pg",
    // knex's own warnings (pool, deprecations) go to the portal's log, not to the console.
    ...(logger
      ? {
          log: {
            warn: (message: unknown) => logger.warn({ knex: message }, "knex"),
            error: (message: unknown) => logger.error({ knex: message }, "knex"),
            debug: () => {},
            deprecate: (method: string, alternative: string) => logger.warn({ method, alternative }, "knex deprecation"),
          },
        }
      : {}),
    connection: { connectionString: url, application_name: "babyhelm-portal" },
    pool: { min: 0, max: poolMax },
    acquireConnectionTimeout: 10_000,
    ...knexSnakeCaseMappers(),
  });
}

/** The migrations in migrations/index.ts, in order, as a knex migration source (no file-system globbing). */
const migrationSource: Knex.MigrationSource<(typeof migrations)[number]> = {
  getMigrations: async () => migrations,
  getMigrationName: (migration) => migration.name,
  getMigration: async (migration) => migration,
};

export async function migrateToLatest(knex: Knex): Promise<string[]> {
  const [, applied] = (await knex.migrate.latest({ migrationSource })) as [number, string[]];
  return applied;
}

export async function rollbackAll(knex: Knex): Promise<void> {
  await knex.migrate.rollback({ migrationSource }, true);
}

export function bindModels(knex: Knex) {
  return {
    User: User.bindKnex(knex),
    Session: Session.bindKnex(knex),
    EmailToken: EmailToken.bindKnex(knex),
    ApiToken: ApiToken.bindKnex(knex),
    LoginFailure: LoginFailure.bindKnex(knex),
    Project: Project.bindKnex(knex),
    AppRecord: AppRecord.bindKnex(knex),
    ProjectMember: ProjectMember.bindKnex(knex),
    Deployment: Deployment.bindKnex(knex),
    DeploymentEvent: DeploymentEvent.bindKnex(knex),
    AuditEntry: AuditEntry.bindKnex(knex),
    UserLimits: UserLimits.bindKnex(knex),
    Upgrade: Upgrade.bindKnex(knex),
  };
}

export type Models = ReturnType<typeof bindModels>;

export interface Database {
  knex: Knex;
  models: Models;
}
