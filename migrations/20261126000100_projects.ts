import type { Knex } from "knex";

/**
 * Projects and what hangs off them: apps (every ProjectSpec app field; secret values encrypted), members
 * with roles, deployments with their engine events, an audit log, and per-user limits.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("projects", (table) => {
    table.bigIncrements("id");
    // The namespace: unique across the whole platform, as namespaces are across the cluster.
    table.text("name").notNullable().unique();
    table.text("display_name");
    table.bigInteger("owner_id").notNullable().references("users.id");
    table.text("quota_cpu").notNullable();
    table.text("quota_memory").notNullable();
    table.integer("quota_pods").notNullable();
    table.boolean("monitoring_dashboard").notNullable().defaultTo(true);
    // Set by the first deployment that reaches the engine: a project never deployed is deleted without it.
    table.timestamp("stack_created_at", { useTz: true });
    table.timestamps(true, true);
    table.index(["owner_id"]);
  });
  await knex.schema.createTable("apps", (table) => {
    table.bigIncrements("id");
    table.bigInteger("project_id").notNullable().references("projects.id").onDelete("CASCADE");
    table.text("name").notNullable();
    table.integer("position").notNullable();
    table.text("image").notNullable();
    table.integer("port");
    table.integer("replicas");
    table.jsonb("command");
    table.jsonb("args");
    table.jsonb("env");
    // AES-256-GCM of the JSON object, keyed with SECRETS_KEY; its keys are readable in secret_env_keys.
    table.text("secret_env_encrypted");
    table.jsonb("secret_env_keys");
    table.text("resources_cpu").notNullable();
    table.text("resources_memory").notNullable();
    table.text("health_check_path");
    // Domains route traffic: unique across the platform.
    table.text("domain").unique();
    table.jsonb("autoscale");
    table.timestamps(true, true);
    table.unique(["project_id", "name"]);
  });
  await knex.schema.createTable("project_members", (table) => {
    table.bigInteger("project_id").notNullable().references("projects.id").onDelete("CASCADE");
    table.bigInteger("user_id").notNullable().references("users.id").onDelete("CASCADE");
    table.text("role").notNullable();
    table.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.primary(["project_id", "user_id"]);
    table.index(["user_id"]);
  });
  await knex.raw("alter table project_members add constraint project_members_role_check check (role in ('owner', 'developer', 'viewer'))");
  await knex.schema.createTable("deployments", (table) => {
    table.bigIncrements("id");
    table.bigInteger("project_id").notNullable().references("projects.id").onDelete("CASCADE");
    table.text("kind").notNullable();
    table.text("status").notNullable();
    table.bigInteger("requested_by").references("users.id").onDelete("SET NULL");
    // The spec deployed, secret values masked: what was asked for, readable by every member.
    table.jsonb("spec");
    table.text("error");
    table.jsonb("summary");
    table.jsonb("outputs");
    table.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp("started_at", { useTz: true });
    table.timestamp("finished_at", { useTz: true });
    // The job-queue worker running it and when it last said so: a run whose heartbeat stops was interrupted.
    table.text("worker_id");
    table.timestamp("heartbeat_at", { useTz: true });
    table.timestamp("cancel_requested_at", { useTz: true });
    table.index(["project_id", "id"]);
    table.index(["status"]);
  });
  await knex.raw("alter table deployments add constraint deployments_kind_check check (kind in ('up', 'destroy'))");
  await knex.raw("alter table deployments add constraint deployments_status_check check (status in ('queued', 'running', 'succeeded', 'failed', 'cancelled'))");
  await knex.schema.createTable("deployment_events", (table) => {
    table.bigIncrements("id");
    table.bigInteger("deployment_id").notNullable().references("deployments.id").onDelete("CASCADE");
    table.integer("sequence").notNullable();
    table.text("type").notNullable();
    table.jsonb("data").notNullable();
    table.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.unique(["deployment_id", "sequence"]);
  });
  await knex.schema.createTable("audit_log", (table) => {
    table.bigIncrements("id");
    table.bigInteger("actor_id").references("users.id").onDelete("SET NULL");
    table.bigInteger("project_id").references("projects.id").onDelete("SET NULL");
    table.text("action").notNullable();
    table.jsonb("details").notNullable().defaultTo("{}");
    table.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.index(["project_id", "id"]);
  });
  await knex.schema.createTable("user_limits", (table) => {
    table.bigInteger("user_id").primary().references("users.id").onDelete("CASCADE");
    table.integer("max_projects");
    table.text("max_cpu");
    table.text("max_memory");
    table.timestamp("updated_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ["user_limits", "audit_log", "deployment_events", "deployments", "project_members", "apps", "projects"]) {
    await knex.schema.dropTableIfExists(table);
  }
}
