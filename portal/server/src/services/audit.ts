import type { Knex } from "knex";
import type { Models } from "../db/database.js";

/** Records who changed what, in the transaction of the change itself. Never secret values: only their names. */
export async function audit(
  models: Models,
  trx: Knex.Transaction,
  entry: { actorId: string | null; projectId: string | null; action: string; details?: Record<string, unknown> },
): Promise<void> {
  await models.AuditEntry.query(trx).insert({ ...entry, details: entry.details ?? {} });
}
