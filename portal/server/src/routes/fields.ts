/** Request fields shared by the routers. Every string has an upper bound. */
import { z } from "zod";
import type { PortalContext } from "../http/state.js";
import type { ClientDetails } from "../services/accounts.js";

export const emailField = z.string().trim().max(254, { message: "must be at most 254 characters" }).pipe(z.email({ message: "must be an e-mail address" }));
/** Login and confirmation fields take any text up to a bound; the rules for new passwords live in passwords.ts. */
export const passwordField = z.string().min(1).max(1000);
export const nameField = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[^\p{Cc}]*$/u, { message: "must not contain control characters" });
export const tokenField = z.string().min(1).max(200);

/** The client as the throttle and the session table see it (behind trusted proxies: their forwarded address). */
export function clientOf(ctx: PortalContext): ClientDetails {
  return { ip: ctx.ip, userAgent: ctx.get("user-agent") || undefined };
}
