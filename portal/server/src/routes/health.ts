import Router from "@koa/router";
import type { Knex } from "knex";
import type { PortalState } from "../http/state.js";

const READY_TIMEOUT_MS = 2000;

/** `/api/health`: the process lives. `/api/ready`: it can serve, which needs the database. */
export function healthRoutes(router: Router<PortalState>, knex: Knex): void {
  router.get("/api/health", (ctx) => {
    ctx.body = { status: "ok" };
  });
  router.get("/api/ready", async (ctx) => {
    try {
      await Promise.race([
        knex.raw("select 1"),
        new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), READY_TIMEOUT_MS).unref()),
      ]);
      ctx.body = { status: "ready" };
    } catch {
      ctx.status = 503;
      ctx.body = { error: { code: "not_ready", message: "The database does not answer." } };
    }
  });
}
