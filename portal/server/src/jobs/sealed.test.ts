/** Sealed job payloads: nothing readable in the queue, opened only by their own task with the key. */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { seal, unseal } from "./sealed.js";

const key = randomBytes(32);
const mail = { to: "ada@example.com", subject: "Confirm", text: "http://localhost/confirm-email?token=abc123", html: "<a>abc123</a>" };

describe("sealed payloads", () => {
  it("hold nothing of the value in the clear, and open to it with the key, for the same task", () => {
    const sealed = seal(key, "send_email", mail);
    const stored = JSON.stringify(sealed);
    for (const part of ["ada@example.com", "abc123", "Confirm"]) expect(stored).not.toContain(part);
    expect(unseal(key, "send_email", JSON.parse(stored))).toEqual(mail);
  });

  it("do not open with another key, or as another task's payload", () => {
    const sealed = seal(key, "account_register", { passwordHash: "$2b$04$x" });
    expect(() => unseal(randomBytes(32), "account_register", sealed)).toThrow();
    expect(() => unseal(key, "send_email", sealed)).toThrow();
  });

  it("take a payload queued before sealing as it is", () => {
    expect(unseal(key, "send_email", mail)).toEqual(mail);
  });
});
