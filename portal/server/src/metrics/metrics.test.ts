/**
 * The metrics API against a real Prometheus loaded with two tenants' series (see metrics-fixture.ts): the
 * panels show what was loaded for the project's own namespace, the PromQL endpoint answers with
 * Prometheus' JSON, and bad input, a missing or silent Prometheus and other users get clear answers.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requiredTool } from "../../../../sdk/src/test-support/tools.js";
import { metricsFixture } from "../test-support/metrics-fixture.js";
import { startPrometheus, type RunningPrometheus } from "../test-support/prometheus.js";
import { signUp, startTestPortal, type TestPortal } from "../test-support/portal.js";
import { createProject } from "../test-support/projects.js";
import { freePort } from "../db/embedded.js";

const prometheusPath = requiredTool("prometheus", "prometheus");
const promtoolPath = requiredTool("promtool", "prometheus");
const MiB = 2 ** 20;

// Whole minutes, a little in the past: the fixture's last sample is at `end`.
const end = Math.floor(Date.now() / 60_000) * 60 - 120;

describe.skipIf(!prometheusPath || !promtoolPath)("the metrics API with a real Prometheus", () => {
  let prometheus: RunningPrometheus;
  let portal: TestPortal;
  let owner: string;

  beforeAll(async () => {
    prometheus = await startPrometheus({ prometheus: prometheusPath!, promtool: promtoolPath! }, metricsFixture(end).openMetrics);
    portal = await startTestPortal({ env: { PROMETHEUS_URL: prometheus.url, GRAFANA_URL: "https://grafana.example.com/" } });
    owner = await signUp(portal, "owner@example.com");
    await createProject(portal, owner, "alpha", [
      { name: "web", image: "nginx:1.27", port: 80 },
      { name: "api", image: "nginx:1.27", port: 80 },
    ]);
  }, 60_000);

  afterAll(async () => {
    await portal?.stop();
    await prometheus?.stop();
  });

  const panel = async (query: string, cookie = owner) => portal.request("GET", `/api/projects/alpha/metrics?${query}`, { cookie });
  const valuesOf = (series: { values: [number, number | null][] }) => series.values.map(([, value]) => value);

  it("shows each app's CPU in cores, from its own namespace only", async () => {
    const { status, json } = await panel(`panel=cpu&range=1h&end=${end}`);
    expect(status).toBe(200);
    expect(json).toMatchObject({ panel: "cpu", unit: "cores", start: end - 3600, end, step: 15 });
    expect(json.series.map((series: { name: string }) => series.name)).toEqual(["api", "web"]);
    for (const series of json.series) {
      expect(series.labels).toEqual({ namespace: "alpha", app: series.name });
      expect(series.values).toHaveLength(241);
      // web: two pods at 0.25 cores; api: one at 0.5. Counting cAdvisor's pod-level series would double them.
      for (const value of valuesOf(series)) expect(value).toBeCloseTo(0.5, 6);
    }
  });

  it("narrows to one app", async () => {
    const { json } = await panel(`panel=cpu&app=web&range=30m&end=${end}`);
    expect(json.series.map((series: { name: string }) => series.name)).toEqual(["web"]);
  });

  it("shows memory working set in bytes, without the pause container", async () => {
    const { json } = await panel(`panel=memory&range=6h&end=${end}`);
    expect(json).toMatchObject({ unit: "bytes", step: 90 });
    const byName = Object.fromEntries(json.series.map((series: { name: string }) => [series.name, series]));
    // Six hours back, but the data starts three hours back: the first half has no points.
    expect(byName.web.values.at(-1)).toEqual([end, 200 * MiB]);
    expect(byName.api.values.at(-1)).toEqual([end, 50 * MiB]);
    expect(byName.web.values[0][0]).toBeGreaterThanOrEqual(end - 3 * 3600);
  });

  it("counts restarts in each window, where they happened", async () => {
    const { json } = await panel(`panel=restarts&range=2h&end=${end}`);
    expect(json).toMatchObject({ unit: "restarts", window: "300s" });
    const byName: Record<string, [number, number][]> = Object.fromEntries(json.series.map((series: { name: string; values: [number, number][] }) => [series.name, series.values]));
    // api restarted once, an hour before the end; web never did.
    expect(Math.max(...byName.web!.map(([, value]) => value))).toBe(0);
    const restarted = byName.api!.filter(([, value]) => value > 0);
    expect(restarted.length).toBeGreaterThan(0);
    for (const [time, value] of restarted) {
      expect(time).toBeGreaterThanOrEqual(end - 3600);
      expect(time).toBeLessThanOrEqual(end - 3600 + 300);
      expect(value).toBeGreaterThanOrEqual(1);
      expect(value).toBeLessThan(1.25);
    }
  });

  it("shows network traffic both ways per app", async () => {
    const { json } = await panel(`panel=network&range=1h&end=${end}`);
    expect(json.unit).toBe("bytes/s");
    // Rates of float counters: equal to the loaded figures but for the last bits.
    const latest = Object.fromEntries(json.series.map((series: { name: string; values: [number, number][] }) => [series.name, Math.round(series.values.at(-1)![1] * 1000) / 1000]));
    expect(latest).toEqual({ "api receive": 300, "api transmit": 600, "web receive": 2000, "web transmit": 4000 });
  });

  it("links to the platform's Grafana dashboards for the same time range", async () => {
    const project = await panel(`panel=cpu&range=1h&end=${end}`);
    expect(project.json.grafanaUrl).toBe(`https://grafana.example.com/d/babyhelm-namespaces?var-namespace=alpha&from=${(end - 3600) * 1000}&to=${end * 1000}`);
    const app = await panel(`panel=cpu&app=web&range=1h&end=${end}`);
    expect(app.json.grafanaUrl).toContain("/d/babyhelm-app?var-namespace=alpha&var-app=web&");
  });

  it("runs the user's own PromQL in the project's namespace and answers with Prometheus' JSON", async () => {
    const query = encodeURIComponent('sum(rate(container_cpu_usage_seconds_total{container!=""}[5m]))');
    const { status, json, headers } = await portal.request("GET", `/api/projects/alpha/metrics/query?query=${query}&start=${end - 600}&end=${end}&step=60`, { cookie: owner });
    expect(status).toBe(200);
    expect(headers.get("content-type")).toContain("application/json");
    expect(json.status).toBe("success");
    expect(json.data.resultType).toBe("matrix");
    // alpha's three pods use one core together; beta's ten would show.
    expect(json.data.result).toHaveLength(1);
    for (const [, value] of json.data.result[0].values) expect(Number(value)).toBeCloseTo(1, 6);
  });

  it("takes RFC 3339 times and durations as steps, as Prometheus does", async () => {
    const start = new Date((end - 600) * 1000).toISOString();
    const query = encodeURIComponent("tenant_secret");
    const { status, json } = await portal.request("GET", `/api/projects/alpha/metrics/query?query=${query}&start=${start}&end=${end}&step=1m`, { cookie: owner });
    expect(status).toBe(200);
    expect(json.data.result.map((series: { metric: Record<string, string> }) => series.metric.namespace)).toEqual(["alpha", "alpha", "alpha"]);
    expect(json.data.result[0].values).toHaveLength(11);
  });

  it("answers bad input with 400 naming the field", async () => {
    const cases: [string, string, RegExp][] = [
      ["metrics?panel=disk", "panel", /one of cpu, memory, restarts, network/],
      ["metrics?range=1h", "panel", /must be one of/],
      ["metrics?panel=cpu&range=1x", "range", /duration/],
      ["metrics?panel=cpu&range=1m", "range", /5m to 30d/],
      ["metrics?panel=cpu&range=90d", "range", /5m to 30d/],
      ["metrics?panel=cpu&range=30d&step=1", "step", /more than 11000 points.*at least 236 seconds/],
      ["metrics?panel=cpu&app=Web_App", "app", /lowercase/],
      ["metrics?panel=cpu&end=yesterday", "end", /unix seconds or an RFC 3339/],
      ["metrics?panel=cpu&colour=red", "colour", /unknown field/],
      ["metrics?panel=cpu&panel=memory", "panel", /one of/],
      ["metrics/query", "query", /required/],
      ["metrics/query?query=up&query=tenant_secret", "query", /exactly one query parameter/],
      ["metrics/query?query=up&start=10&end=5", "start", /not be after end/],
      [`metrics/query?query=up&start=${end - 40 * 86400}&end=${end}&step=3600`, "start", /30 days/],
      [`metrics/query?query=up&start=${end - 86400}&end=${end}&step=1`, "step", /more than 11000 points/],
      ["metrics/query?query=up&step=-5", "step", /positive/],
      ["metrics/query?query=up&step=99999999999y", "step", /at most 30 days/],
      [`metrics/query?query=up&start=${"9".repeat(400)}&end=${"9".repeat(400)}`, "end", /unix seconds/],
      ["metrics/query?query=up&start=2026-02-30T00:00:00Z&end=2026-03-02T00:00:00Z", "start", /RFC 3339/],
      ["metrics/query?query=up&end=2026-11-26T24:00:00Z", "end", /RFC 3339/],
      ["metrics?panel=cpu&end=1e20", "end", /unix seconds/],
      ["metrics/query?query=up&timeout=1h", "timeout", /unknown field/],
    ];
    for (const [path, field, message] of cases) {
      const { status, json } = await portal.request("GET", `/api/projects/alpha/${path}`, { cookie: owner });
      expect({ path, status }).toEqual({ path, status: 400 });
      const problem = json.error.details.find((detail: { path: string }) => detail.path === field);
      expect({ path, problem: problem?.message }).toEqual({ path, problem: expect.stringMatching(message) });
    }
  });

  it("refuses PromQL that does not parse, and returns Prometheus' own errors as 400", async () => {
    const unparsable = await portal.request("GET", `/api/projects/alpha/metrics/query?query=${encodeURIComponent("sum(rate(up[5m])")}`, { cookie: owner });
    expect(unparsable.status).toBe(400);
    expect(unparsable.json.error).toMatchObject({ code: "invalid_query", details: [{ path: "query" }] });
    expect(unparsable.json.error.message).toMatch(/does not parse/);
    // Parses, but Prometheus refuses it: its message comes back.
    const refused = await portal.request("GET", `/api/projects/alpha/metrics/query?query=${encodeURIComponent("rate(tenant_secret)")}`, { cookie: owner });
    expect(refused.status).toBe(400);
    expect(refused.json.error.code).toBe("invalid_query");
    expect(refused.json.error.message).toMatch(/^Prometheus: .*range vector/);
  });

  it("lets viewers read metrics; others get 404 and strangers 401", async () => {
    const viewer = await signUp(portal, "viewer@example.com");
    const stranger = await signUp(portal, "stranger@example.com");
    const members = await portal.request("POST", "/api/projects/alpha/members", { cookie: owner, body: { email: "viewer@example.com", role: "viewer" } });
    expect(members.status).toBe(201);
    expect((await panel("panel=cpu", viewer)).status).toBe(200);
    expect((await portal.request("GET", "/api/projects/alpha/metrics/query?query=up", { cookie: viewer })).status).toBe(200);
    expect((await panel("panel=cpu", stranger)).status).toBe(404);
    expect((await portal.request("GET", "/api/projects/alpha/metrics/query?query=up", { cookie: stranger })).status).toBe(404);
    expect((await portal.request("GET", "/api/projects/alpha/metrics?panel=cpu")).status).toBe(401);

    // A removed member loses access at once, not when the membership cache would expire (10 s).
    const { json: list } = await portal.request("GET", "/api/projects/alpha/members", { cookie: owner });
    const viewerId = list.items.find((person: { email: string }) => person.email === "viewer@example.com").userId;
    expect((await portal.request("DELETE", `/api/projects/alpha/members/${viewerId}`, { cookie: owner })).status).toBe(204);
    const removedAt = Date.now();
    while ((await panel("panel=cpu", viewer)).status !== 404) {
      expect(Date.now() - removedAt, "still readable after removal").toBeLessThan(3000);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
});

describe("the metrics API without a usable Prometheus", () => {
  it("says how to connect one when PROMETHEUS_URL is not set", async () => {
    const portal = await startTestPortal();
    try {
      const cookie = await signUp(portal, "owner@example.com");
      await createProject(portal, cookie, "alpha");
      for (const path of ["metrics?panel=cpu", "metrics/query?query=up"]) {
        const { status, json } = await portal.request("GET", `/api/projects/alpha/${path}`, { cookie });
        expect(status).toBe(503);
        expect(json.error.code).toBe("metrics_not_configured");
        expect(json.error.message).toMatch(/set PROMETHEUS_URL/);
      }
    } finally {
      await portal.stop();
    }
  });

  it("answers 502 when Prometheus does not answer", async () => {
    const portal = await startTestPortal({ env: { PROMETHEUS_URL: `http://127.0.0.1:${await freePort()}` } });
    try {
      const cookie = await signUp(portal, "owner@example.com");
      await createProject(portal, cookie, "alpha");
      const { status, json } = await portal.request("GET", "/api/projects/alpha/metrics?panel=cpu", { cookie });
      expect(status).toBe(502);
      expect(json.error.code).toBe("prometheus_unavailable");
    } finally {
      await portal.stop();
    }
  });
});
