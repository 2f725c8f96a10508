import type { Knex } from "knex";

/**
 * Personal access tokens for CI: a token may be limited to one project (by id, so a later project of the
 * same name does not inherit it; deleting the project deletes its tokens), capped at a role, and expire.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("api_tokens", (table) => {
    table.bigInteger("project_id").references("projects.id").onDelete("CASCADE");
    table.text("role");
    table.timestamp("expires_at", { useTz: true });
    table.index(["project_id"]);
  });
  await knex.raw("alter table api_tokens add constraint api_tokens_role_check check (role in ('owner', 'developer', 'viewer'))");
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw("alter table api_tokens drop constraint api_tokens_role_check");
  await knex.schema.alterTable("api_tokens", (table) => {
    table.dropIndex(["project_id"]);
    for (const column of ["project_id", "role", "expires_at"]) table.dropColumn(column);
  });
}
