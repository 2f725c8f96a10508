// @vitest-environment happy-dom
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestPortal, type TestPortal } from "../../../server/src/test-support/portal.js";
import { tokenFrom } from "../../../server/src/test-support/smtp.js";
import { ApiError } from "../api/errors.js";
import { createToken, fetchTokens } from "../api/tokens.js";
import { freshPinia, useOrigin } from "../test-support.js";
import { useAuthStore } from "./auth.js";

let portal: TestPortal;
beforeAll(async () => {
  portal = await startTestPortal();
  useOrigin(portal.url);
});
afterAll(async () => {
  await portal?.stop();
});

describe("useAuthStore against the real API", () => {
  it("registers, confirms, logs in, knows the user after a reload, and logs out", async () => {
    const auth = useAuthStore(freshPinia());
    await auth.ensureLoaded();
    expect(auth.loggedIn).toBe(false);

    await auth.register({ email: "store@example.com", password: "correct horse battery", name: "Store" });
    // The account is created by a queued job (the answer is the same for a taken address); its mail says it exists.
    const mail = await portal.smtp.waitFor((candidate) => candidate.to.includes("store@example.com"));
    const login = auth.login({ email: "store@example.com", password: "correct horse battery" });
    await expect(login).rejects.toMatchObject({ code: "email_not_confirmed" });

    const confirmed = await auth.confirm(tokenFrom(mail));
    expect(confirmed.emailConfirmed).toBe(true);
    await auth.login({ email: "store@example.com", password: "correct horse battery" });
    expect(auth.user?.email).toBe("store@example.com");

    // A new page load: the cookie is all there is.
    const reloaded = useAuthStore(freshPinia());
    await reloaded.ensureLoaded();
    expect(reloaded.user?.name).toBe("Store");

    await reloaded.updateProfile({ name: "Renamed" });
    expect(reloaded.user?.name).toBe("Renamed");
    const token = await createToken({ name: "ci", project: null, role: null, expiresInDays: 30 });
    expect(token.token).toMatch(/^bh_/);
    expect((await fetchTokens()).map((listed) => [(listed as { token?: string }).token, listed.project, listed.role, typeof listed.expiresAt])).toEqual([
      [undefined, null, null, "string"],
    ]);

    await reloaded.logout();
    expect(reloaded.loggedIn).toBe(false);
    const after = useAuthStore(freshPinia());
    await after.ensureLoaded();
    expect(after.loggedIn).toBe(false);
  });

  it("turns API errors into ApiErrors with the problems by field", async () => {
    const auth = useAuthStore(freshPinia());
    const error = await auth.register({ email: "bad", password: "short", name: "" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).fields).toEqual({ email: "must be an e-mail address", password: expect.any(String), name: "must not be empty" });
  });
});
