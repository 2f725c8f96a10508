/**
 * GET /api/config says which optional parts a portal has: here a portal without Prometheus, Grafana, a
 * cluster or a Pulumi CLI, and one with the test engine and every URL set.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startTestPortal, type TestPortal } from "../test-support/portal.js";
import { tempDir } from "../../../../test/support/temp-dir.js";

const portals: TestPortal[] = [];
afterAll(async () => {
  for (const portal of portals) await portal.stop();
});

describe("GET /api/config", () => {
  it("says what is switched off and how to switch it on, naming no path, to anyone", async () => {
    const emptyToolchain = tempDir("no-toolchain");
    const portal = await startTestPortal({ env: { DEPLOY_ENGINE: "pulumi", PULUMI_CLI_PATH: "", BABYHELM_TOOLCHAIN_HOME: emptyToolchain } });
    portals.push(portal);
    const { status, json, text } = await portal.request("GET", "/api/config");
    expect(status).toBe(200);
    expect(json.config).toMatchObject({
      metrics: { enabled: false, message: expect.stringMatching(/set PROMETHEUS_URL/) },
      grafana: { enabled: false },
      engine: { name: "pulumi", available: false, problem: expect.stringMatching(/npm run toolchain/) },
      cluster: { enabled: false },
      drift: { intervalMs: 3_600_000 },
      sdkVersion: expect.stringMatching(/^\d+\.\d+\.\d+/),
    });
    expect(text).not.toContain(emptyToolchain);
  });

  it("says what is there", async () => {
    const kubeconfig = join(tempDir("kubeconfig"), "config");
    const cluster = "clusters: [{name: c, cluster: {server: 'https://127.0.0.1:9'}}]\nusers: [{name: u, user: {}}]";
    writeFileSync(kubeconfig, `apiVersion: v1\nkind: Config\n${cluster}\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n`);
    const portal = await startTestPortal({
      env: { DEPLOY_ENGINE: "mock", PROMETHEUS_URL: "http://127.0.0.1:9", GRAFANA_URL: "https://grafana.example.com", KUBECONFIG: kubeconfig },
    });
    portals.push(portal);
    const { json } = await portal.request("GET", "/api/config");
    expect(json.config).toMatchObject({ metrics: { enabled: true }, grafana: { enabled: true }, engine: { name: "mock", available: true }, cluster: { enabled: true } });
    expect(JSON.stringify(json)).not.toMatch(/127\.0\.0\.1|grafana\.example|kubeconfig/);
  });
});
