// @vitest-environment happy-dom
/**
 * The project page's health alerts from answers the portal gives after its watcher has mailed the owners
 * and called the webhook (given to the axios client: happy-dom has no cluster to crash an app in; the real
 * thing is in the chromium journey): each alert's app, kind, reason, time, mail and webhook delivery in
 * words; the sentence when there are none; every member sees them; and the list is read again when the
 * status poller sees an app's health change, not on a timer of its own.
 */
import type { HealthAlert, Project, ProjectStatus, Role } from "@babyhelm/sdk/api";
import type { VueWrapper } from "@vue/test-utils";
import { afterEach, describe, expect, it, vi } from "vitest";
import { STATUS_POLL_MS } from "../composables/useProjectStatus.js";
import ProjectPage from "../pages/ProjectPage.vue";
import { eventually, freshPinia, mountPage } from "../test-support.js";
import { appFixture, appStatus, deploymentFixture, fakeApi, projectFixture, projectStatus } from "../test-fakes.js";

const CRASHING = "CrashLoopBackOff (1 of 1 pods): The container keeps crashing: it exits with code 1; restarted 3 times.";

function project(role: Role): Project {
  return projectFixture(role, {
    name: "shop",
    displayName: "Shop",
    role,
    quota: { cpu: "2", memory: "4Gi", pods: 20 },
    monitoring: { dashboard: false },
    deployed: true,
    apps: [appFixture({ name: "web", image: "nginx:1.27", port: 80, replicas: 1, resources: { cpu: "100m", memory: "128Mi" } })],
    lastDeployment: deploymentFixture({ id: "3", kind: "up", status: "succeeded", createdAt: "2030-01-01T10:00:00Z", finishedAt: "2030-01-01T10:01:00Z" }),
  });
}

const alert = (overrides: Partial<HealthAlert> & { id: string }): HealthAlert => ({
  app: "web",
  kind: "degraded",
  reason: CRASHING,
  deploymentId: "3",
  mailedTo: 1,
  webhook: null,
  createdAt: "2030-01-01T10:05:00Z",
  ...overrides,
});

/** Newest first, as the API lists them: one of each way the webhook's delivery can have gone. */
const ALERTS: HealthAlert[] = [
  alert({ id: "7", mailedTo: 0, webhook: { status: "suppressed", attempts: 0 }, createdAt: "2030-01-01T12:00:00Z" }),
  alert({ id: "6", kind: "recovered", reason: null, mailedTo: 2, webhook: { status: "pending", attempts: 0 }, createdAt: "2030-01-01T11:30:00Z" }),
  alert({ id: "5", mailedTo: 2, webhook: { status: "pending", attempts: 2 }, createdAt: "2030-01-01T11:00:00Z" }),
  alert({ id: "4", kind: "recovered", reason: null, mailedTo: 2, webhook: { status: "failed", attempts: 6 }, createdAt: "2030-01-01T10:30:00Z" }),
  alert({
    id: "3",
    app: "api",
    reason: "OOMKilled (1 of 1 pods): The container ran out of memory.",
    mailedTo: 2,
    webhook: { status: "delivered", attempts: 2 },
    createdAt: "2030-01-01T10:10:00Z",
  }),
  alert({ id: "2", createdAt: "2030-01-01T10:05:00Z" }),
];

let fake: ReturnType<typeof fakeApi> | undefined;
let wrapper: VueWrapper | undefined;
afterEach(() => {
  wrapper?.unmount();
  wrapper = undefined;
  fake?.restore();
  vi.useRealTimers();
});

async function openProject(role: Role, answers: { alerts: () => HealthAlert[]; status?: () => ProjectStatus }) {
  fake = fakeApi(({ method, url }) => {
    if (method !== "GET") return undefined;
    if (url === "/projects/shop") return { data: { project: project(role) } };
    if (url === "/projects/shop/deployments") return { data: { items: [project(role).lastDeployment] } };
    if (url === "/projects/shop/deployments/3") return { data: { deployment: { ...project(role).lastDeployment, log: "" } } };
    if (url === "/projects/shop/members") return { data: { items: [] } };
    if (url === "/projects/shop/status") return { data: answers.status?.() ?? projectStatus({ apps: [appStatus({ name: "web" })] }) };
    if (url === "/projects/shop/alerts") return { data: { items: answers.alerts() } };
    if (url === "/projects/shop/webhook") return { data: { webhook: null } };
    if (url === "/projects/shop/metrics") return { status: 503, data: { error: { code: "metrics_not_configured", message: "No Prometheus." } } };
    return undefined;
  });
  ({ wrapper } = await mountPage(ProjectPage, "/projects/shop", freshPinia()));
  return wrapper;
}

const section = (page: VueWrapper) => page.find("section[aria-labelledby=alerts-heading]");
const item = (page: VueWrapper, id: string) => section(page).find(`li[data-alert="${id}"]`);
const parts = (page: VueWrapper, id: string) => ({
  kind: item(page, id).find("[data-testid=alert-kind]").text(),
  app: item(page, id).find("a").text(),
  reason: item(page, id).find("[data-testid=alert-reason]").text(),
  delivery: item(page, id).find("[data-testid=alert-delivery]").text(),
});

describe("the health alerts section", () => {
  it("lists each alert: app, kind, why, when, the owners mailed and the webhook's delivery", async () => {
    const page = await openProject("owner", { alerts: () => ALERTS });
    await eventually(() => expect(section(page).findAll("li")).toHaveLength(6));
    expect(section(page).find("h2").text()).toBe("Health alerts");
    expect(
      section(page)
        .findAll("li")
        .map((li) => li.attributes("data-alert")),
    ).toEqual(["7", "6", "5", "4", "3", "2"]);

    expect(parts(page, "3")).toEqual({
      kind: "degraded",
      app: "api",
      reason: "OOMKilled (1 of 1 pods): The container ran out of memory.",
      delivery: "Mailed to 2 owners · webhook delivered after 2 attempts",
    });
    expect(parts(page, "2")).toEqual({ kind: "degraded", app: "web", reason: CRASHING, delivery: "Mailed to 1 owner · no webhook" });
    expect(parts(page, "4")).toEqual({
      kind: "recovered",
      app: "web",
      reason: "Healthy again: all its pods are ready.",
      delivery: "Mailed to 2 owners · webhook failed after 6 attempts",
    });
    expect(parts(page, "5").delivery).toBe("Mailed to 2 owners · webhook retrying after 2 failed attempts");
    expect(parts(page, "6").delivery).toBe("Mailed to 2 owners · webhook being sent");
    expect(parts(page, "7").delivery).toBe("Rate-limited: over 12 alerts this hour, so it was recorded but neither mailed nor sent to the webhook.");

    // When, as a time element for machines and local time for people; the app leads to its status page.
    const time = item(page, "3").find("time");
    expect(time.attributes("datetime")).toBe("2030-01-01T10:10:00Z");
    expect(time.text()).toBe(new Date("2030-01-01T10:10:00Z").toLocaleString());
    expect(item(page, "3").find("a").attributes("href")).toBe("/projects/shop/apps/api/status");
    expect(item(page, "2").find(".badge").classes()).toContain("degraded");
    expect(item(page, "4").find(".badge").classes()).toContain("healthy");
  });

  it("says that owners are mailed when an app turns unhealthy, while there is no alert", async () => {
    const page = await openProject("owner", { alerts: () => [] });
    await eventually(() => expect(section(page).find("[data-testid=alerts-empty]").exists()).toBe(true));
    expect(section(page).find("[data-testid=alerts-empty]").text()).toBe("No alerts yet. The project's owners are mailed when an app turns unhealthy, and again when it recovers.");
    expect(section(page).find("ol").exists()).toBe(false);
  });

  it.each(["developer", "viewer"] as const)("shows them to a %s too", async (role) => {
    const page = await openProject(role, { alerts: () => ALERTS });
    await eventually(() => expect(section(page).findAll("li")).toHaveLength(6));
    expect(parts(page, "2").delivery).toBe("Mailed to 1 owner · no webhook");
  });

  it("says so in a line, without an error banner, when the alerts cannot be read", async () => {
    fake = fakeApi(({ url }) => {
      if (url === "/projects/shop") return { data: { project: project("viewer") } };
      if (url === "/projects/shop/deployments" || url === "/projects/shop/members") return { data: { items: [] } };
      if (url === "/projects/shop/status") return { data: projectStatus() };
      if (url === "/projects/shop/alerts") return { status: 500, data: { error: { code: "internal", message: "Something went wrong on our side." } } };
      if (url === "/projects/shop/metrics") return { status: 503, data: { error: { code: "metrics_not_configured", message: "No Prometheus." } } };
      return undefined;
    });
    ({ wrapper } = await mountPage(ProjectPage, "/projects/shop", freshPinia()));
    await eventually(() => expect(section(wrapper!).find("[data-testid=alerts-error]").text()).toBe("The alerts cannot be read: Something went wrong on our side."));
    expect(wrapper.findAll(".banner.error")).toHaveLength(0);
  });

  it("is read again when the status poller sees the app turn degraded, and not on a timer of its own", async () => {
    vi.useFakeTimers();
    let health: "healthy" | "degraded" = "healthy";
    let listed: HealthAlert[] = [];
    const page = await openProject("developer", {
      alerts: () => listed,
      status: () => projectStatus({ health, apps: [appStatus({ name: "web", health, reason: health === "degraded" ? CRASHING : null })] }),
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(section(page).find("[data-testid=alerts-empty]").exists()).toBe(true);
    await vi.advanceTimersByTimeAsync(STATUS_POLL_MS * 6);
    expect(fake!.count("GET", "/projects/shop/alerts")).toBe(1);

    health = "degraded";
    listed = [alert({ id: "9" })];
    await vi.advanceTimersByTimeAsync(STATUS_POLL_MS);
    expect(fake!.count("GET", "/projects/shop/alerts")).toBe(2);
    expect(parts(page, "9")).toEqual({ kind: "degraded", app: "web", reason: CRASHING, delivery: "Mailed to 1 owner · no webhook" });
    // The apps table says the same, from the same answer.
    expect(page.find("tr[data-app=web] [data-testid=health]").text()).toBe("degraded");
    await vi.advanceTimersByTimeAsync(STATUS_POLL_MS * 6);
    expect(fake!.count("GET", "/projects/shop/alerts")).toBe(2);
  });
});
