import { describe, expect, it } from "vitest";
import { parseProjectSpec } from "../spec/parse.js";
import type { ProjectSpecInput } from "../spec/schema.js";
import { planApply } from "./apply-plan.js";
import type { SecretValues } from "./secrets.js";

const MASK = "********";
const spec = (input: ProjectSpecInput) => parseProjectSpec(input);
const noSecrets: SecretValues = new Map();
const options = { prune: false, source: "spec.yaml" };

describe("planApply", () => {
  it("creates a missing project, then its apps, with secret values in the bodies and only their names in the plan", () => {
    const desired = spec({ name: "shop", displayName: "Shop", apps: [{ name: "web", image: "nginx:1.27", port: 80, secretEnv: { API_KEY: MASK } }] });
    const secrets: SecretValues = new Map([["web.API_KEY", { value: "s3cr3t", from: "BABYHELM_SECRET_WEB_API_KEY" }]]);
    const plan = planApply(desired, null, secrets, options);
    expect(plan.problems).toEqual([]);
    expect(plan.steps.map((step) => step.action)).toEqual(["createProject", "createApp"]);
    expect(plan.steps[0]).toMatchObject({ body: { name: "shop", displayName: "Shop", quota: { cpu: "2", memory: "4Gi", pods: 20 }, monitoring: { dashboard: true } } });
    expect(plan.steps[1]).toMatchObject({ app: "web", body: { name: "web", image: "nginx:1.27", port: 80, secretEnv: { API_KEY: "s3cr3t" } } });
    expect(plan.steps[1]!.line).toBe(
      '+ app web: image "nginx:1.27"; port 80; replicas 1; resources {"cpu":"100m","memory":"128Mi"}; secretEnv.API_KEY set (value from BABYHELM_SECRET_WEB_API_KEY)',
    );
    expect(plan.steps.map((step) => step.line).join("\n")).not.toContain("s3cr3t");
  });

  it("plans nothing for a project that matches (an empty env is no env)", () => {
    const current = spec({ name: "shop", apps: [{ name: "web", image: "nginx:1.27", secretEnv: { KEY: MASK } }] });
    const desired = spec({ name: "shop", apps: [{ name: "web", image: "nginx:1.27", env: {}, secretEnv: { KEY: MASK } }] });
    expect(planApply(desired, current, noSecrets, options)).toEqual({ steps: [], notes: [], problems: [] });
  });

  it("changes only the fields that differ, one line per app, and removes what the file dropped", () => {
    const current = spec({
      name: "shop",
      apps: [{ name: "web", image: "nginx:1.27", port: 80, env: { LOG_LEVEL: "info", OLD: "1" }, healthCheck: { path: "/" }, secretEnv: { A: MASK, GONE: MASK } }],
    });
    const desired = spec({ name: "shop", apps: [{ name: "web", image: "nginx:1.28", port: 80, env: { LOG_LEVEL: "debug" }, secretEnv: { A: MASK } }] });
    const plan = planApply(desired, current, noSecrets, options);
    expect(plan.steps).toEqual([
      {
        action: "updateApp",
        app: "web",
        body: { image: "nginx:1.28", env: { LOG_LEVEL: "debug" }, healthCheck: null, secretEnv: { GONE: null } },
        line: '~ app web: image "nginx:1.27" -> "nginx:1.28"; env.LOG_LEVEL "info" -> "debug"; env.OLD "1" -> (none); healthCheck.path "/" -> (none); secretEnv.GONE removed',
      },
    ]);
  });

  it("sends a secret value given for a secret the portal holds (it cannot compare), and keeps it when none is given", () => {
    const current = spec({ name: "shop", apps: [{ name: "web", image: "nginx", secretEnv: { A: MASK } }] });
    const desired = spec({ name: "shop", apps: [{ name: "web", image: "nginx", secretEnv: { A: MASK } }] });
    expect(planApply(desired, current, noSecrets, options).steps).toEqual([]);
    const given: SecretValues = new Map([["web.A", { value: "new", from: "secrets.env line 1" }]]);
    expect(planApply(desired, current, given, options).steps).toEqual([
      { action: "updateApp", app: "web", body: { secretEnv: { A: "new" } }, line: "~ app web: secretEnv.A set again (value from secrets.env line 1)" },
    ]);
  });

  it("refuses a new secret without a value, naming where to give it", () => {
    const current = spec({ name: "shop", apps: [{ name: "web", image: "nginx" }] });
    const desired = spec({
      name: "shop",
      apps: [
        { name: "web", image: "nginx", secretEnv: { API_KEY: MASK } },
        { name: "my-worker", image: "busybox", secretEnv: { T: MASK } },
      ],
    });
    expect(planApply(desired, current, noSecrets, options).problems).toEqual([
      { path: "apps[0].secretEnv.API_KEY", message: "has no value: give it in --secret-env-file as web.API_KEY=... or in the environment as BABYHELM_SECRET_WEB_API_KEY" },
      { path: "apps[1].secretEnv.T", message: "has no value: give it in --secret-env-file as my-worker.T=... or in the environment as BABYHELM_SECRET_MY_WORKER_T" },
    ]);
  });

  it("deletes apps not in the file only with --prune, and says so without it", () => {
    const current = spec({
      name: "shop",
      apps: [
        { name: "web", image: "nginx" },
        { name: "old", image: "nginx" },
      ],
    });
    const desired = spec({ name: "shop", apps: [{ name: "web", image: "nginx" }] });
    expect(planApply(desired, current, noSecrets, options)).toEqual({ steps: [], notes: ["app old is not in spec.yaml and stays; pass --prune to delete it"], problems: [] });
    expect(planApply(desired, current, noSecrets, { ...options, prune: true }).steps).toEqual([{ action: "deleteApp", app: "old", line: "- app old (not in spec.yaml; --prune)" }]);
  });

  it("raises the quota before the apps change and lowers it after, so every step fits", () => {
    const current = spec({ name: "shop", quota: { cpu: "4", memory: "1Gi", pods: 20 }, apps: [{ name: "big", image: "nginx", resources: { cpu: "1", memory: "128Mi" } }] });
    const desired = spec({
      name: "shop",
      displayName: "Shop",
      quota: { cpu: "1", memory: "4Gi", pods: 20 },
      monitoring: { dashboard: false },
      apps: [{ name: "web", image: "nginx", resources: { cpu: "100m", memory: "1Gi" } }],
    });
    const plan = planApply(desired, current, noSecrets, { ...options, prune: true });
    expect(plan.steps.map((step) => [step.action, "body" in step ? step.body : undefined])).toEqual([
      ["updateProject", { displayName: "Shop", monitoring: { dashboard: false }, quota: { cpu: "4", memory: "4Gi", pods: 20 } }],
      ["deleteApp", undefined],
      ["createApp", expect.objectContaining({ name: "web" })],
      ["updateProject", { quota: { cpu: "1", memory: "4Gi", pods: 20 } }],
    ]);
    expect(plan.steps[0]!.line).toBe('~ project shop: displayName (none) -> "Shop"; monitoring.dashboard true -> false; quota.memory "1Gi" -> "4Gi"');
    expect(plan.steps[3]!.line).toBe('~ project shop: quota.cpu "4" -> "1" (after the apps, so they fit at every step)');
  });

  it("switches an app from replicas to autoscale by removing replicas, and leaves restartedAt to the portal", () => {
    const current = spec({ name: "shop", apps: [{ name: "web", image: "nginx", replicas: 2, restartedAt: "2026-01-01T00:00:00Z" }] });
    const desired = spec({ name: "shop", owner: "a@example.com", apps: [{ name: "web", image: "nginx", autoscale: { min: 1, max: 3 } }] });
    const plan = planApply(desired, current, noSecrets, options);
    expect(plan.steps).toEqual([expect.objectContaining({ body: { replicas: null, autoscale: { min: 1, max: 3, cpuPercent: 80 } } })]);
    expect(plan.notes).toEqual(["owner is not applied: a project's owners on the portal are its members with the owner role"]);
  });
});
