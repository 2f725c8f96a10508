/** Request fields shared by the routers. Every string has an upper bound. */
import { z } from "zod";

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
