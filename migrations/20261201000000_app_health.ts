import type { Knex } from "knex";

/**
 * What the portal learns from the cluster: an app's restart moment (a spec field, so a restart is a
 * deploy), each project's optional webhook, the health last announced per app (the one row whose change
 * decides, across portal processes, that an alert is sent), and the alerts sent, for the project page.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("apps", (table) => {
    table.text("restarted_at");
  });
  await knex.schema.alterTable("projects", (table) => {
    table.text("webhook_url");
    // Encrypted with SECRETS_KEY: the portal signs with it, nobody reads it back.
    table.text("webhook_secret_encrypted");
  });
  await knex.schema.createTable("app_health", (table) => {
    table.bigInteger("project_id").notNullable().references("projects.id").onDelete("CASCADE");
    table.text("app").notNullable();
    table.text("announced").notNullable();
    // The succeeded deployment the last alert was about: a new one that leaves the app degraded alerts again.
    table.bigInteger("announced_deployment_id");
    // When the status it was decided on was read: a process holding an older read cannot undo a newer change.
    table.timestamp("observed_at", { useTz: true }).notNullable();
    table.timestamp("updated_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.primary(["project_id", "app"]);
  });
  await knex.schema.createTable("health_alerts", (table) => {
    table.bigIncrements("id");
    table.bigInteger("project_id").notNullable().references("projects.id").onDelete("CASCADE");
    table.text("app").notNullable();
    table.text("kind").notNullable();
    table.text("reason");
    table.bigInteger("deployment_id");
    table.integer("mailed_to").notNullable().defaultTo(0);
    // null: the project had no webhook; pending, delivered or failed (after the last retry).
    table.text("webhook_status");
    table.integer("webhook_attempts").notNullable().defaultTo(0);
    table.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.index(["project_id", "created_at"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("health_alerts");
  await knex.schema.dropTable("app_health");
  await knex.schema.alterTable("projects", (table) => {
    table.dropColumn("webhook_url");
    table.dropColumn("webhook_secret_encrypted");
  });
  await knex.schema.alterTable("apps", (table) => {
    table.dropColumn("restarted_at");
  });
}
