// @vitest-environment happy-dom
/**
 * The app page from a status answer of a crash-looping app (given to the axios client: the local cluster's
 * simulated pods never crash), and its log view fed server-sent events through a fetched ReadableStream as
 * the portal writes them: pods and warnings, per-pod labels, search, pause, the bound on lines kept, the
 * stream's end with Reconnect, download; a restart followed like a deploy; and viewers kept from the logs.
 */
import type { Project, Role } from "@babyhelm/sdk/api";
import type { VueWrapper } from "@vue/test-utils";
import { flushPromises, mount } from "@vue/test-utils";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createMemoryHistory, createRouter } from "vue-router";
import AppLogsSection from "../components/AppLogsSection.vue";
import { routes } from "../router.js";
import { eventually, freshPinia, mountPage } from "../test-support.js";
import { appFixture, appStatus, FakeEventSource, fakeApi, fakeLogStreams, pod, projectFixture, projectStatus } from "../test-fakes.js";
import AppStatusPage from "./AppStatusPage.vue";

const CRASHING = "CrashLoopBackOff (1 of 2 pods): The container keeps crashing: it exits with code 1; restarted 5 times.";
const web = appStatus({
  name: "web",
  health: "degraded",
  reason: CRASHING,
  replicas: { desired: 2, ready: 1, updated: 2, available: 1 },
  rollout: { state: "complete", reason: null, message: null },
  autoscaler: { current: 2, desired: 2, min: 2, max: 5 },
  ingress: { url: "https://shop.example.com", served: false, address: null },
  pods: [
    pod({ name: "web-5d8c7b-aaaaa" }),
    pod({
      name: "web-5d8c7b-bbbbb",
      ready: false,
      restarts: 5,
      lastRestartAt: "2030-01-01T10:05:00Z",
      problem: { code: "CrashLoopBackOff", message: "The container keeps crashing: it exits with code 1; restarted 5 times.", exitCode: 1 },
    }),
  ],
  events: [
    {
      type: "Warning",
      reason: "BackOff",
      message: "Back-off restarting failed container web in pod web-5d8c7b-bbbbb",
      object: { kind: "Pod", name: "web-5d8c7b-bbbbb" },
      count: 12,
      lastSeen: "2030-01-01T10:06:00Z",
    },
    { type: "Normal", reason: "Pulled", message: "Container image already present", object: { kind: "Pod", name: "web-5d8c7b-aaaaa" }, count: 1, lastSeen: null },
  ],
});

function project(role: Role): Project {
  return projectFixture(role, {
    name: "shop",
    displayName: "Shop",
    role,
    quota: { cpu: "2", memory: "4Gi", pods: 20 },
    monitoring: { dashboard: false },
    deployed: true,
    apps: [
      appFixture({
        name: "web",
        image: "nginx:1.27",
        port: 80,
        replicas: null,
        command: null,
        args: null,
        env: {},
        secretEnv: {},
        resources: { cpu: "100m", memory: "128Mi" },
        healthCheck: null,
        domain: "shop.example.com",
        visibility: "public",
        autoscale: { min: 2, max: 5, cpuPercent: 80 },
      }),
    ],
    lastDeployment: null,
  });
}

let fake: ReturnType<typeof fakeApi>;
let logs: ReturnType<typeof fakeLogStreams>;
let wrapper: VueWrapper | undefined;
beforeEach(() => {
  FakeEventSource.install();
  logs = fakeLogStreams();
});
afterEach(() => {
  wrapper?.unmount();
  wrapper = undefined;
  fake?.restore();
  vi.unstubAllGlobals();
});

async function openApp(role: Role, status = projectStatus({ health: "degraded", apps: [web] })) {
  fake = fakeApi(({ method, url }) => {
    if (method === "GET" && url === "/projects/shop") return { data: { project: project(role) } };
    if (method === "GET" && url === "/projects/shop/deployments") return { data: { items: [] } };
    if (method === "GET" && url === "/projects/shop/status") return { data: status };
    if (method === "POST" && url === "/projects/shop/apps/web/restart")
      return { status: 202, data: { deployment: { id: "12", kind: "up", status: "queued", createdAt: "2020-01-01T10:10:00Z", finishedAt: null } } };
    if (method === "GET" && url === "/projects/shop/deployments/12")
      return { data: { deployment: { id: "12", kind: "up", status: "succeeded", log: "", createdAt: "2020-01-01T10:10:00Z", finishedAt: "2020-01-01T10:11:00Z" } } };
    return undefined;
  });
  ({ wrapper } = await mountPage(AppStatusPage, "/projects/shop/apps/web/status", freshPinia()));
  await eventually(() => expect(wrapper!.find("[data-testid=replicas]").exists()).toBe(true));
  return wrapper;
}

const line = (podName: string, text: string, time: string | null = "2030-01-01T10:00:00Z") => ["line", { pod: podName, container: "web", text, time }] as [string, unknown];
const shownLines = (page: VueWrapper) => page.findAll("[data-testid=log-lines] li").map((item) => (item.find(".text").exists() ? item.find(".text").text() : item.text()));
const labels = (page: VueWrapper) => page.findAll("[data-testid=log-lines] li .pod").map((item) => item.text());

describe("the app page", () => {
  it("shows replicas, rollout, autoscaler, ingress, the pods and the recent warnings", async () => {
    const page = await openApp("developer");
    expect(page.find("h1").text()).toBe("web");
    expect(page.find(".title-badge [data-testid=health]").text()).toBe("degraded");
    expect(page.find("[data-testid=app-reason]").text()).toBe(CRASHING);
    expect(page.find("[data-testid=replicas]").text()).toBe("1 of 2 ready · 2 updated · 1 available");
    expect(page.find("[data-testid=rollout]").text()).toBe("complete");
    expect(page.find("[data-testid=autoscaler]").text()).toBe("2 running, wants 2, between 2 and 5");
    expect(page.find("[data-testid=ingress]").text()).toContain("not served yet");
    expect(page.find("[data-testid=ingress] a").attributes("href")).toBe("https://shop.example.com/");

    const rows = page.findAll("[data-testid=pods] tbody tr");
    expect(rows.map((row) => row.attributes("data-pod"))).toEqual(["web-5d8c7b-aaaaa", "web-5d8c7b-bbbbb"]);
    const crashing = rows[1]!.findAll("td").map((cell) => cell.text());
    expect(crashing.slice(1, 4)).toEqual(["Running", "no", "5"]);
    expect(crashing[4]).toBe(new Date("2030-01-01T10:05:00Z").toLocaleString());
    expect(crashing[5]).toContain("CrashLoopBackOff: The container keeps crashing: it exits with code 1; restarted 5 times.");
    expect(rows[0]!.findAll("td")[5]!.text()).toBe("—");

    // Warnings only: the Normal event is not news.
    const events = page.findAll("[data-testid=events] li");
    expect(events).toHaveLength(1);
    expect(events[0]!.text()).toContain("BackOff");
    expect(events[0]!.text()).toContain("Back-off restarting failed container web in pod web-5d8c7b-bbbbb");
    expect(events[0]!.text()).toContain("12 times");

    // Its settings are one link away, and back.
    expect(page.find("a[href='/projects/shop/apps/web']").text()).toBe("Edit the app");
  });

  it("follows the logs: pods labelled, search, pause, end of stream and reconnect", async () => {
    const page = await openApp("developer");
    await eventually(() => expect(logs.streams).toHaveLength(1));
    const first = logs.last();
    expect(first.accept).toBe("text/event-stream");
    expect(first.url.pathname).toBe("/api/projects/shop/apps/web/logs");
    expect(Object.fromEntries(first.url.searchParams)).toEqual({ follow: "true", tailLines: "500" });

    first.sendMany([
      line("web-5d8c7b-aaaaa", "GET / 200", "2030-01-01T10:00:00Z"),
      line("web-5d8c7b-bbbbb", "ERROR cannot reach the database", "2030-01-01T10:00:01Z"),
      ["notice", { message: "Pod web-5d8c7b-ccccc started." }],
      line("web-5d8c7b-aaaaa", "GET /health 200", "2030-01-01T10:00:02Z"),
    ]);
    await eventually(() => expect(shownLines(page)).toEqual(["GET / 200", "ERROR cannot reach the database", "— Pod web-5d8c7b-ccccc started.", "GET /health 200"]));
    expect(labels(page)).toEqual(["5d8c7b-aaaaa", "5d8c7b-bbbbb", "5d8c7b-aaaaa"]);
    expect(page.find("[data-testid=logs-counts]").text()).toBe("3 lines received");

    // Search within what was received, then by pod.
    const search = page.find("input[type=search]");
    await search.setValue("get");
    expect(shownLines(page)).toEqual(["GET / 200", "GET /health 200"]);
    expect(page.find("[data-testid=logs-counts]").text()).toBe("3 lines received · 2 shown");
    await search.setValue("");
    await page.find("select").setValue("web-5d8c7b-bbbbb");
    expect(shownLines(page)).toEqual(["ERROR cannot reach the database", "— Pod web-5d8c7b-ccccc started."]);
    await page.find("select").setValue(null);

    // Pause freezes the view; lines keep arriving and show on resume.
    const pause = page.findAll("button").find((button) => button.text() === "Pause")!;
    await pause.trigger("click");
    first.send(...line("web-5d8c7b-aaaaa", "POST /orders 201", "2030-01-01T10:00:03Z"));
    await eventually(() => expect(page.find("[data-testid=logs-paused]").text()).toContain("(1 new)"));
    expect(shownLines(page)).not.toContain("POST /orders 201");
    await page
      .findAll("button")
      .find((button) => button.text() === "Resume")!
      .trigger("click");
    await eventually(() => expect(shownLines(page).at(-1)).toBe("POST /orders 201"));
    expect(page.find("[data-testid=logs-paused]").exists()).toBe(false);

    // The server ends the stream at its limit: said, with a way back in after the last line.
    first.send("end", { reason: "limit" });
    first.close();
    await eventually(() => expect(page.find("[data-testid=logs-ended]").text()).toContain("The portal stopped the stream at its limit"));
    expect(page.find("[data-testid=logs-ended]").text()).toContain("Reconnect to go on from the last line received.");
    await page.find("[data-testid=logs-ended] button").trigger("click");
    await eventually(() => expect(logs.streams).toHaveLength(2));
    const second = logs.last();
    expect(second.url.searchParams.get("follow")).toBe("true");
    expect(second.url.searchParams.get("tailLines")).toBeNull();
    expect(Number(second.url.searchParams.get("sinceSeconds"))).toBeGreaterThan(0);
    // The overlap second's line already shown is not shown twice; a new one is.
    second.sendMany([line("web-5d8c7b-aaaaa", "POST /orders 201", "2030-01-01T10:00:03Z"), line("web-5d8c7b-aaaaa", "GET /cart 200", "2030-01-01T10:00:04Z")]);
    await eventually(() => expect(shownLines(page).slice(-3)).toEqual(["POST /orders 201", "— Reconnected.", "GET /cart 200"]));
    expect(page.find("[data-testid=logs-ended]").exists()).toBe(false);

    // A timeout, then a dropped connection, each say so.
    second.send("end", { reason: "timeout" });
    second.close();
    await eventually(() => expect(page.find("[data-testid=logs-ended]").text()).toContain("The portal ends a followed log after a while"));
    await page.find("[data-testid=logs-ended] button").trigger("click");
    await eventually(() => expect(logs.streams).toHaveLength(3));
    logs.last().fail();
    await eventually(() => expect(page.find("[data-testid=logs-ended]").text()).toContain("The connection to the log stream was lost."));

    // Follow off stops the stream and keeps what came; on again picks up.
    await page.find("[data-testid=logs-ended] button").trigger("click");
    await eventually(() => expect(logs.streams).toHaveLength(4));
    await page.find("input[type=checkbox]").setValue(false);
    expect(logs.last().aborted).toBe(true);
    await eventually(() => expect(page.find("[data-testid=logs-ended]").text()).toContain("Not following"));
    expect(shownLines(page)).toContain("GET /cart 200");
    await page.find("input[type=checkbox]").setValue(true);
    await eventually(() => expect(logs.streams).toHaveLength(5));
  });

  it("downloads what was received as a .txt file", async () => {
    const page = await openApp("owner");
    await eventually(() => expect(logs.streams).toHaveLength(1));
    logs.last().sendMany([line("web-5d8c7b-aaaaa", "one", "2030-01-01T10:00:00Z"), line("web-5d8c7b-bbbbb", "two", null)]);
    await eventually(() => expect(shownLines(page)).toEqual(["one", "two"]));
    await page.find("input[type=search]").setValue("two");

    const saved: Blob[] = [];
    vi.spyOn(URL, "createObjectURL").mockImplementation((blob) => (saved.push(blob as Blob), "blob:logs"));
    vi.spyOn(URL, "revokeObjectURL").mockImplementation(() => {});
    let downloaded: string | undefined;
    const click = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
      downloaded = this.download;
    });
    await page
      .findAll("button")
      .find((button) => button.text() === "Download .txt")!
      .trigger("click");
    click.mockRestore();
    expect(downloaded).toMatch(/^shop-web-logs-\d{8}T\d{6}Z\.txt$/);
    // Everything received, not only what the search shows.
    expect(await saved[0]!.text()).toBe("2030-01-01T10:00:00Z [web-5d8c7b-aaaaa/web] one\n- [web-5d8c7b-bbbbb/web] two\n");
  });

  it("reads a crashed container's previous run from its pod's row", async () => {
    const page = await openApp("developer");
    await eventually(() => expect(logs.streams).toHaveLength(1));
    const previous = page.findAll("[data-testid=pods] button").find((button) => button.text() === "Log before the last restart")!;
    await previous.trigger("click");
    await eventually(() => expect(logs.streams).toHaveLength(2));
    expect(logs.streams[0]!.aborted).toBe(true);
    expect(Object.fromEntries(logs.last().url.searchParams)).toEqual({ pod: "web-5d8c7b-bbbbb", previous: "true", follow: "false", tailLines: "500" });
    logs.last().sendMany([line("web-5d8c7b-bbbbb", "panic: no DATABASE_URL"), ["end", { reason: "done" }]]);
    logs.last().close();
    await eventually(() => expect(page.find("[data-testid=logs-ended]").text()).toBe("That is the whole of the previous run."));
    expect(page.find("[data-testid=logs-ended] button").exists()).toBe(false);
    expect(shownLines(page)).toEqual(["panic: no DATABASE_URL"]);
    await page
      .findAll("button")
      .find((button) => button.text() === "Back to live logs")!
      .trigger("click");
    await eventually(() => expect(logs.streams).toHaveLength(3));
    expect(logs.last().url.searchParams.get("follow")).toBe("true");
  });

  it("restarts after asking, and follows the restart like a deploy, saying what it left", async () => {
    const page = await openApp("developer");
    await page
      .findAll("button")
      .find((button) => button.text() === "Restart…")!
      .trigger("click");
    const dialog = page.find("dialog[aria-label='Restart web?']");
    expect(dialog.text()).toContain("rolling restart");
    expect(fake.count("POST", "/projects/shop/apps/web/restart")).toBe(0);
    await dialog
      .findAll("button")
      .find((button) => button.text() === "Restart")!
      .trigger("click");
    await eventually(() => expect(page.find("[aria-label='Deployment 12']").exists()).toBe(true));
    expect(fake.count("POST", "/projects/shop/apps/web/restart")).toBe(1);

    const source = FakeEventSource.instances.find((candidate) => candidate.url === "/api/projects/shop/deployments/12/events")!;
    const polled = fake.count("GET", "/projects/shop/status");
    source.emit("status", { id: "12", kind: "up", status: "running", createdAt: "2020-01-01T10:10:00Z", finishedAt: null });
    source.emit("status", { id: "12", kind: "up", status: "succeeded", createdAt: "2020-01-01T10:10:00Z", finishedAt: "2020-01-01T10:11:00Z" });
    source.emit("end", { status: "succeeded" });
    await eventually(() => expect(page.find("[data-testid=deployment-verdict]").text()).toBe(`Deployed, but web is not healthy: ${CRASHING}`));
    expect(fake.count("GET", "/projects/shop/status")).toBeGreaterThan(polled);
  });

  it("shows a viewer no logs and no restart, and says why", async () => {
    const page = await openApp("viewer");
    expect(page.find("[data-testid=logs-forbidden]").text()).toContain("Logs are shown to the project's developers and owners");
    expect(page.find("[data-testid=log-lines]").exists()).toBe(false);
    expect(page.findAll("button").some((button) => button.text() === "Restart…")).toBe(false);
    expect(page.findAll("[data-testid=pods] button")).toHaveLength(0);
    await flushPromises();
    expect(logs.fetch).not.toHaveBeenCalled();
  });

  it("says calmly when there is no cluster, and reads no logs", async () => {
    const message = "This portal is not connected to a cluster (KUBECONFIG is not set), so it cannot show what runs.";
    fake = fakeApi(({ url }) => {
      if (url === "/projects/shop") return { data: { project: project("owner") } };
      if (url === "/projects/shop/deployments") return { data: { items: [] } };
      if (url === "/projects/shop/status") return { data: projectStatus({ cluster: "not_configured", deployed: false, health: null, message }) };
      return undefined;
    });
    ({ wrapper } = await mountPage(AppStatusPage, "/projects/shop/apps/web/status", freshPinia()));
    await eventually(() => expect(wrapper!.find("[data-testid=status-absence]").text()).toBe(message));
    expect(wrapper.find("[data-testid=logs-unavailable]").text()).toBe(message);
    expect(wrapper.findAll("[role=alert]")).toHaveLength(0);
    expect(logs.fetch).not.toHaveBeenCalled();
  });
});

describe("the log view on its own", () => {
  it("says how many lines it keeps and how many it let go (here a bound of 20; 5,000 by default, see useAppLogs.test.ts)", async () => {
    const router = createRouter({ history: createMemoryHistory(), routes });
    wrapper = mount(AppLogsSection, {
      props: { project: "shop", app: "web", canRead: true, available: true, maxLines: 20, flushMs: 0 },
      global: { plugins: [freshPinia(), router] },
      attachTo: document.body,
    });
    await eventually(() => expect(logs.streams).toHaveLength(1));
    logs.last().sendMany(Array.from({ length: 1_234 }, (_, index) => line("web-1", `line ${index + 1}`)));
    await eventually(() => expect(wrapper!.find("[data-testid=logs-counts]").text()).toBe("1,234 lines received · keeping the last 20: 1,214 older lines let go"));
    const shown = shownLines(wrapper);
    expect(shown).toHaveLength(20);
    expect(shown[0]).toBe("line 1215");
    expect(shown.at(-1)).toBe("line 1234");
  });

  it("says why it cannot read the logs when the portal refuses", async () => {
    vi.unstubAllGlobals();
    logs = fakeLogStreams(() => ({ status: 403, code: "forbidden", message: "Only developers and owners can read logs." }));
    const router = createRouter({ history: createMemoryHistory(), routes });
    wrapper = mount(AppLogsSection, {
      props: { project: "shop", app: "web", canRead: true, available: true },
      global: { plugins: [freshPinia(), router] },
      attachTo: document.body,
    });
    await eventually(() => expect(wrapper!.find("[role=alert]").text()).toContain("Could not read the logs: Only developers and owners can read logs."));
  });
});
