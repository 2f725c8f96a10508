/** What the routers need to know of the client beyond the contract's fields. */
import type { PortalContext } from "../http/state.js";
import type { ClientDetails } from "../services/accounts.js";

/** The client as the throttle and the session table see it (behind trusted proxies: their forwarded address). */
export function clientOf(ctx: PortalContext): ClientDetails {
  return { ip: ctx.ip, userAgent: ctx.get("user-agent") || undefined };
}
