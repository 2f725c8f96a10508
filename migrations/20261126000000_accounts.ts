import type { Knex } from "knex";

/** Accounts: users, server-side sessions, single-use e-mail tokens, personal access tokens, login failures. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("users", (table) => {
    table.bigIncrements("id");
    table.text("email").notNullable().unique();
    table.text("name").notNullable();
    table.text("password_hash").notNullable();
    table.timestamp("email_confirmed_at", { useTz: true });
    table.boolean("is_admin").notNullable().defaultTo(false);
    // When we last mailed the owner about a sign-up attempt on their address (at most one a minute).
    table.timestamp("notified_at", { useTz: true });
    table.timestamps(true, true);
  });
  await knex.schema.createTable("sessions", (table) => {
    table.bigIncrements("id");
    table.bigInteger("user_id").notNullable().references("users.id").onDelete("CASCADE");
    table.text("token_hash").notNullable().unique();
    table.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp("last_seen_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp("expires_at", { useTz: true }).notNullable();
    table.timestamp("absolute_expires_at", { useTz: true }).notNullable();
    table.text("user_agent");
    table.text("ip");
    table.index(["user_id"]);
  });
  await knex.schema.createTable("email_tokens", (table) => {
    table.bigIncrements("id");
    table.bigInteger("user_id").notNullable().references("users.id").onDelete("CASCADE");
    table.text("purpose").notNullable();
    table.text("token_hash").notNullable().unique();
    table.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp("expires_at", { useTz: true }).notNullable();
    table.timestamp("used_at", { useTz: true });
    table.index(["user_id", "purpose"]);
  });
  await knex.raw("alter table email_tokens add constraint email_tokens_purpose_check check (purpose in ('confirm_email', 'reset_password'))");
  await knex.schema.createTable("api_tokens", (table) => {
    table.bigIncrements("id");
    table.bigInteger("user_id").notNullable().references("users.id").onDelete("CASCADE");
    table.text("name").notNullable();
    table.text("prefix").notNullable();
    table.text("token_hash").notNullable().unique();
    table.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp("last_used_at", { useTz: true });
    table.index(["user_id"]);
  });
  await knex.schema.createTable("login_failures", (table) => {
    table.bigIncrements("id");
    table.text("email").notNullable();
    table.text("ip").notNullable();
    table.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.index(["email", "created_at"]);
    table.index(["ip", "created_at"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ["login_failures", "api_tokens", "email_tokens", "sessions", "users"]) {
    await knex.schema.dropTableIfExists(table);
  }
}
