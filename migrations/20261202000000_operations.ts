import type { Knex } from "knex";

/**
 * Operations as code: a deployment keeps what it deployed (the spec with its secret values encrypted as at
 * rest, the SDK version, the rendered objects and their digest), so it can be diffed, rolled back to and
 * compared with a newer SDK's render; previews and drift checks are runs of the project's queue too, with
 * the engine's per-resource plan; projects may expire; apps may be private.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw("alter table deployments drop constraint deployments_kind_check");
  await knex.raw("alter table deployments add constraint deployments_kind_check check (kind in ('up', 'destroy', 'preview', 'drift'))");
  await knex.schema.alterTable("deployments", (table) => {
    // Encrypted with SECRETS_KEY, like the apps' own: `spec` keeps them masked for every reader.
    table.text("spec_secrets_encrypted");
    table.text("sdk_version");
    // The rendered objects, secret values masked, and the sha256 of their canonical JSON.
    table.jsonb("manifests");
    table.text("manifests_digest");
    // A preview's or drift check's per-resource plan, as the engine reported it.
    table.jsonb("plan");
    // An `up` that first reads the cluster back (refresh), so changes made outside BabyHelm are undone.
    table.boolean("refresh").notNullable().defaultTo(false);
    table.bigInteger("rollback_of");
    // The deployment whose recorded spec this run uses (a drift check, a platform upgrade); null: the
    // project's spec when the run starts.
    table.bigInteger("spec_from");
    // The platform upgrade rollout it belongs to, if any.
    table.bigInteger("upgrade_id");
    table.index(["project_id", "kind", "id"]);
  });
  await knex.schema.alterTable("projects", (table) => {
    table.timestamp("expires_at", { useTz: true });
    table.timestamp("expiry_warned_at", { useTz: true });
    table.index(["expires_at"]);
  });
  await knex.schema.alterTable("apps", (table) => {
    table.text("visibility");
  });
  await knex.schema.createTable("upgrades", (table) => {
    table.bigIncrements("id");
    table.bigInteger("requested_by").references("users.id").onDelete("SET NULL");
    table.text("status").notNullable();
    table.integer("concurrency").notNullable();
    // [{ project, projectId, order, deploymentId, status, error }], the canary first.
    table.jsonb("projects").notNullable();
    table.text("error");
    table.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp("finished_at", { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("upgrades");
  await knex.schema.alterTable("apps", (table) => {
    table.dropColumn("visibility");
  });
  await knex.schema.alterTable("projects", (table) => {
    table.dropColumn("expires_at");
    table.dropColumn("expiry_warned_at");
  });
  await knex("deployments").whereIn("kind", ["preview", "drift"]).delete();
  await knex.schema.alterTable("deployments", (table) => {
    table.dropIndex(["project_id", "kind", "id"]);
    for (const column of ["spec_secrets_encrypted", "sdk_version", "manifests", "manifests_digest", "plan", "refresh", "rollback_of", "spec_from", "upgrade_id"])
      table.dropColumn(column);
  });
  await knex.raw("alter table deployments drop constraint deployments_kind_check");
  await knex.raw("alter table deployments add constraint deployments_kind_check check (kind in ('up', 'destroy'))");
}
