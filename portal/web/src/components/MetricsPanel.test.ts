// @vitest-environment happy-dom
/**
 * The metrics panel in happy-dom against the real portal: without Prometheus it says how to connect one;
 * with a Prometheus that does not answer it says so; with a real Prometheus loaded with two tenants' series
 * (metrics-fixture.ts) it shows the project's own apps, in units people read, and nothing of the other
 * tenant. happy-dom has no canvas, so what is asserted is the text a user (or a screen reader) gets: each
 * chart's legend with every series' latest value.
 */
import { mount, type VueWrapper } from "@vue/test-utils";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { requiredTool } from "../../../../sdk/src/test-support/tools.js";
import { freePort } from "../../../server/src/db/embedded.js";
import { metricsFixture } from "../../../server/src/test-support/metrics-fixture.js";
import { startPrometheus, type RunningPrometheus } from "../../../server/src/test-support/prometheus.js";
import { signUp, startTestPortal, type TestPortal } from "../../../server/src/test-support/portal.js";
import { createProject } from "../../../server/src/test-support/projects.js";
import AppFormPage from "../pages/AppFormPage.vue";
import { useAuthStore } from "../stores/auth.js";
import { eventually, freshPinia, mountPage, useOrigin } from "../test-support.js";
import MetricsPanel from "./MetricsPanel.vue";

const prometheusPath = requiredTool("prometheus", "prometheus");
const promtoolPath = requiredTool("promtool", "prometheus");
const PASSWORD = "correct horse battery";

let mounted: VueWrapper[] = [];
afterEach(() => {
  for (const wrapper of mounted) wrapper.unmount();
  mounted = [];
});

/** Signs up through the API (the cookie is for set-up requests), then logs in inside happy-dom like the app does. */
async function signedIn(portal: TestPortal, email: string) {
  useOrigin(portal.url);
  const cookie = await signUp(portal, email, PASSWORD);
  const pinia = freshPinia();
  await useAuthStore(pinia).login({ email, password: PASSWORD });
  return { cookie, pinia };
}

/**
 * startPrometheus polls Prometheus with the global fetch, which here is happy-dom's and refuses a cross-origin
 * answer without CORS headers, as a browser would. The set-up is not the page: it gets Node's rules.
 */
async function outsideThePage<T>(run: () => Promise<T>): Promise<T> {
  const settings = (window as unknown as { happyDOM: { settings: { fetch: { disableSameOriginPolicy: boolean } } } }).happyDOM.settings.fetch;
  settings.disableSameOriginPolicy = true;
  try {
    return await run();
  } finally {
    settings.disableSameOriginPolicy = false;
  }
}

function mountPanel(props: { project: string; app?: string }): VueWrapper {
  const wrapper = mount(MetricsPanel, { props, attachTo: document.body });
  mounted.push(wrapper);
  return wrapper;
}

/** The legend of one chart: "<series>: <latest value>" per line, as a screen reader reads it. */
function legend(wrapper: VueWrapper, title: string): string[] {
  return wrapper.findAll(`ul[aria-label="${title}, latest values"] li`).map((item) => item.text());
}

describe("the metrics panel without a working Prometheus", () => {
  let unconfigured: TestPortal;
  let silent: TestPortal;
  beforeAll(async () => {
    unconfigured = await startTestPortal();
    // A Prometheus address where nothing listens.
    silent = await startTestPortal({ env: { PROMETHEUS_URL: `http://127.0.0.1:${await freePort()}` } });
  });
  afterAll(async () => {
    await unconfigured?.stop();
    await silent?.stop();
  });

  it("explains how to connect Prometheus when the portal has none", async () => {
    const { cookie } = await signedIn(unconfigured, "no-prometheus@example.com");
    await createProject(unconfigured, cookie, "shop");
    const answer = await unconfigured.request("GET", "/api/projects/shop/metrics?panel=cpu", { cookie });
    expect(answer.status).toBe(503);

    const metricsRequests = () => unconfigured.logs.filter((line) => line.includes('"path":"/api/projects/shop/metrics"')).length;
    const before = metricsRequests();
    const wrapper = mountPanel({ project: "shop" });
    await eventually(() => expect(wrapper.text()).toContain("Connect Prometheus to see metrics"));
    // The server's own sentence, and the setting to change.
    expect(wrapper.text()).toContain(answer.json.error.message);
    // Learnt from GET /api/config: the panel asked for no metrics, so the page makes no request that answers 503.
    expect(metricsRequests()).toBe(before);
    expect(unconfigured.logs.some((line) => line.includes('"path":"/api/config"'))).toBe(true);
    expect(wrapper.find(".metrics-setup").text()).toContain("PROMETHEUS_URL");
    // Nothing to choose or chart.
    expect(wrapper.findAll("input[type=radio]")).toHaveLength(0);
    expect(wrapper.findAll("figure")).toHaveLength(0);
  });

  it("says when Prometheus does not answer, and offers to try again", async () => {
    const { cookie } = await signedIn(silent, "silent-prometheus@example.com");
    await createProject(silent, cookie, "shop");
    const wrapper = mountPanel({ project: "shop" });
    await eventually(() => expect(wrapper.find("[role=alert]").text()).toContain("Prometheus did not answer"));
    // One message for the panel, not one per chart.
    expect(wrapper.findAll("[role=alert]")).toHaveLength(1);
    expect(wrapper.find("[role=alert] button").text()).toBe("Try again");
    await wrapper.find("[role=alert] button").trigger("click");
    await eventually(() => expect(wrapper.find("[role=alert] button").attributes("disabled")).toBeUndefined());
    expect(wrapper.find("[role=alert]").text()).toContain("Prometheus did not answer");
  });
});

describe.skipIf(!prometheusPath || !promtoolPath)("the metrics panel with a real Prometheus", () => {
  // The panel asks for the range up to now, as a user's page does. The samples run on ten minutes past it,
  // so Prometheus has samples all through every rate window up to "now" wherever the test's clock is, as it
  // would scraping live pods; a last sample in the past would show rates fading out in the last 5 minutes.
  const end = Math.ceil(Date.now() / 30_000) * 30 + 600;
  let prometheus: RunningPrometheus;
  let portal: TestPortal;
  let cookie: string;

  beforeAll(async () => {
    prometheus = await outsideThePage(() => startPrometheus({ prometheus: prometheusPath!, promtool: promtoolPath! }, metricsFixture(end).openMetrics));
    portal = await startTestPortal({ env: { PROMETHEUS_URL: prometheus.url, GRAFANA_URL: "https://grafana.example.com" } });
    ({ cookie } = await signedIn(portal, "owner@example.com"));
    await createProject(portal, cookie, "alpha", [
      { name: "web", image: "nginx:1.27", port: 80 },
      { name: "api", image: "nginx:1.27", port: 80 },
    ]);
    // A project Prometheus knows nothing about yet.
    await createProject(portal, cookie, "gamma");
  }, 60_000);

  afterAll(async () => {
    await portal?.stop();
    await prometheus?.stop();
  });

  it("shows the latest figures of each app of alpha, and nothing of beta", async () => {
    const wrapper = mountPanel({ project: "alpha" });
    // web: two pods at 0.25 cores; api: one at 0.5.
    await eventually(() => expect(legend(wrapper, "CPU")).toEqual(["api: 500 millicores", "web: 500 millicores"]));
    expect(legend(wrapper, "Memory")).toEqual(["api: 50 MiB", "web: 200 MiB"]);
    expect(legend(wrapper, "Restarts")).toEqual(["api: 0 restarts", "web: 0 restarts"]);
    expect(legend(wrapper, "Network")).toEqual(["api receive: 300 B/s", "api transmit: 600 B/s", "web receive: 1.95 KiB/s", "web transmit: 3.91 KiB/s"]);
    // beta's apps (web at 7 cores and 6.84 GiB, "secret") never show.
    const text = wrapper.text();
    for (const leak of ["secret", "7 cores", "GiB", "MiB/s"]) expect(text).not.toContain(leak);

    expect(text).toContain("Every app of the project · the last hour, a point every 15 s · refreshes every minute");
    expect(text).toContain("container restarts in each 5 min");
    expect(wrapper.find("fieldset.range legend").text()).toBe("Range");
    expect(wrapper.find<HTMLInputElement>("input[type=radio][value='1h']").element.checked).toBe(true);
    const grafana = wrapper.find("a[target=_blank]");
    expect(grafana.text()).toBe("Open in Grafana");
    expect(grafana.attributes("href")).toMatch(/^https:\/\/grafana\.example\.com\/d\/babyhelm-namespaces\?var-namespace=alpha&from=\d+&to=\d+$/);
    expect(grafana.attributes("rel")).toContain("noopener");
  });

  it("asks for another range when one is chosen", async () => {
    const wrapper = mountPanel({ project: "alpha" });
    await eventually(() => expect(wrapper.text()).toContain("the last hour, a point every 15 s"));
    await wrapper.find("input[type=radio][value='6h']").setValue(true);
    await eventually(() => expect(wrapper.text()).toContain("the last 6 hours, a point every 90 s"));
    expect(legend(wrapper, "CPU")).toEqual(["api: 500 millicores", "web: 500 millicores"]);
    await wrapper.find("input[type=radio][value='7d']").setValue(true);
    await eventually(() => expect(wrapper.text()).toContain("the last 7 days, a point every 42 min"));
    expect(wrapper.text()).toContain("container restarts in each 42 min");
  });

  it("shows one app on its page", async () => {
    const pinia = freshPinia();
    await useAuthStore(pinia).login({ email: "owner@example.com", password: PASSWORD });
    const { wrapper } = await mountPage(AppFormPage, "/projects/alpha/apps/web", pinia);
    mounted.push(wrapper);
    await eventually(() => expect(legend(wrapper, "CPU")).toEqual(["web: 500 millicores"]));
    expect(legend(wrapper, "Memory")).toEqual(["web: 200 MiB"]);
    expect(legend(wrapper, "Network")).toEqual(["web receive: 1.95 KiB/s", "web transmit: 3.91 KiB/s"]);
    expect(wrapper.text()).toContain("App web · the last hour");
    expect(wrapper.find("a[target=_blank]").attributes("href")).toContain("/d/babyhelm-app?var-namespace=alpha&var-app=web&");
    // The form is still there, above it.
    expect(wrapper.find("form button[type=submit]").text()).toBe("Save app");
  });

  it("shows a viewer the same figures", async () => {
    // fetch is happy-dom's here: requests carry the session of its cookie jar, whoever logged in last.
    await signUp(portal, "viewer@example.com", PASSWORD);
    await useAuthStore(freshPinia()).login({ email: "owner@example.com", password: PASSWORD });
    const added = await portal.request("POST", "/api/projects/alpha/members", { body: { email: "viewer@example.com", role: "viewer" } });
    expect(added.status).toBe(201);
    await useAuthStore(freshPinia()).login({ email: "viewer@example.com", password: PASSWORD });
    const wrapper = mountPanel({ project: "alpha" });
    await eventually(() => expect(legend(wrapper, "CPU")).toEqual(["api: 500 millicores", "web: 500 millicores"]));
  });

  it("says when there is no data in the range yet", async () => {
    await useAuthStore(freshPinia()).login({ email: "owner@example.com", password: PASSWORD });
    const wrapper = mountPanel({ project: "gamma" });
    await eventually(() => expect(wrapper.findAll(".metrics-empty")).toHaveLength(1));
    expect(wrapper.find(".metrics-empty").text()).toBe("No data in this range yet: metrics appear about a minute after the app's pods start.");
    expect(wrapper.findAll("figure")).toHaveLength(0);
    expect(wrapper.findAll("[role=alert]")).toHaveLength(0);
    // A longer range may have some: the selector stays.
    expect(wrapper.findAll("input[type=radio]")).toHaveLength(4);
  });
});
