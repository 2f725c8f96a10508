import type { Knex } from "knex";

/**
 * A successful login forgives its e-mail's failures (the account's backoff starts over) without taking
 * them from the counts of the client addresses they came from: those keep their hard limit.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("login_failures", (table) => {
    table.timestamp("forgiven_at", { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable("login_failures", (table) => {
    table.dropColumn("forgiven_at");
  });
}
