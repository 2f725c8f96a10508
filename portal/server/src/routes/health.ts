import type Router from "@koa/router";
import { endpoints } from "@babyhelm/sdk/api";
import type { Knex } from "knex";
import { AppError } from "../errors.js";
import { contractRoutes } from "../http/contract-routes.js";
import type { PortalState } from "../http/state.js";

const READY_TIMEOUT_MS = 2000;

/** `/api/health`: the process lives. `/api/ready`: it can serve, which needs the database. */
export function healthRoutes(router: Router<PortalState>, knex: Knex): void {
  const api = contractRoutes(router);
  api.on(endpoints.health, () => ({ status: "ok" as const }));
  api.on(endpoints.ready, async () => {
    try {
      await Promise.race([knex.raw("select 1"), new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), READY_TIMEOUT_MS).unref())]);
      return { status: "ready" as const };
    } catch {
      throw new AppError(503, "not_ready", "The database does not answer.");
    }
  });
}
