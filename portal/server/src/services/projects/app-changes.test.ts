/** A PATCH of an app merged into the stored app, without a database: what the next GET of the app shows. */
import { describe, expect, it } from "vitest";
import { MASK } from "../project-spec.js";
import { mergeAppChanges } from "./app-changes.js";

const stored = { name: "web", image: "nginx:1.27", port: 80, replicas: 2, env: { LOG_LEVEL: "info" }, secretEnv: { API_KEY: "s3cr3t", TOKEN: "t0k3n" } };

describe("mergeAppChanges", () => {
  it("replaces the fields given and keeps the others", () => {
    expect(mergeAppChanges(stored, { image: "nginx:1.28", env: { LOG_LEVEL: "debug" } })).toEqual({ ...stored, image: "nginx:1.28", env: { LOG_LEVEL: "debug" } });
  });

  it("removes an optional field sent as null", () => {
    const merged = mergeAppChanges(stored, { port: null, replicas: null });
    expect(merged).not.toHaveProperty("port");
    expect(merged).not.toHaveProperty("replicas");
    expect(merged.image).toBe("nginx:1.27");
  });

  it("sets secret values given, removes those sent as null and keeps those left out", () => {
    expect(mergeAppChanges(stored, { secretEnv: { API_KEY: "n3w", TOKEN: null, EXTRA: "x" } }).secretEnv).toEqual({ API_KEY: "n3w", EXTRA: "x" });
    expect(mergeAppChanges(stored, { image: "nginx:1.28" }).secretEnv).toEqual(stored.secretEnv);
  });

  it("keeps a secret value sent back masked, as a form shows it", () => {
    expect(mergeAppChanges(stored, { secretEnv: { API_KEY: MASK, TOKEN: "n3w" } }).secretEnv).toEqual({ API_KEY: "s3cr3t", TOKEN: "n3w" });
  });

  it("removes every secret value for secretEnv: null, and the field once none is left", () => {
    expect(mergeAppChanges(stored, { secretEnv: null })).not.toHaveProperty("secretEnv");
    expect(mergeAppChanges(stored, { secretEnv: { API_KEY: null, TOKEN: null } })).not.toHaveProperty("secretEnv");
  });

  it("leaves the stored app as it was", () => {
    const before = structuredClone(stored);
    mergeAppChanges(stored, { image: "nginx:1.28", secretEnv: { API_KEY: null } });
    expect(stored).toEqual(before);
  });
});
