import type { Knex } from "knex";

/**
 * The job workers (graphile-worker pools) that live: each portal process registers the pools it runs and
 * renews their heartbeat, so any portal can tell the jobs a dead worker still holds locked and release them
 * at once instead of after graphile-worker's four-hour lock timeout.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("job_workers", (table) => {
    // graphile-worker's pool id, what it writes into a job's `locked_by`.
    table.text("worker_id").primary();
    table.text("job_schema").notNullable();
    // Where the process runs (host, boot, pid namespace), its pid and start time: a portal in the same
    // place can see at once that the process is gone; from elsewhere only the heartbeat tells.
    table.text("process_space");
    table.integer("pid").notNullable();
    table.text("process_start");
    table.timestamp("started_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp("heartbeat_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.index(["heartbeat_at"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("job_workers");
}
