// @vitest-environment happy-dom
/**
 * A preview environment's expiry on the project page, from the portal's answers given to the axios client:
 * the countdown with the exact time on hover for every member; owners extend it (+1 day, +7 days, from the
 * current expiry), remove it, or set one in N days; developers and viewers get no buttons, and no section
 * without an expiry. Past its time: what became of the removal (a failed destroy, retried later). The new
 * project page offers "delete after N days". The API's own side: portal/server/src/services/project-expiry.test.ts.
 */
import type { DeploymentSummary, Project, Role } from "@babyhelm/sdk/api";
import type { VueWrapper } from "@vue/test-utils";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import NewProjectPage from "../pages/NewProjectPage.vue";
import ProjectPage from "../pages/ProjectPage.vue";
import ProjectsPage from "../pages/ProjectsPage.vue";
import { eventually, freshPinia, mountPage } from "../test-support.js";
import { deploymentFixture, fakeApi, projectFixture, projectStatus } from "../test-fakes.js";

const NOW = new Date("2026-12-01T12:00:00Z");
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (ms: number) => new Date(NOW.getTime() + ms).toISOString();

let fake: ReturnType<typeof fakeApi> | undefined;
let wrapper: VueWrapper | undefined;
beforeEach(() => {
  // Only the clock is fixed: timers and promises run as usual.
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(NOW);
});
afterEach(() => {
  wrapper?.unmount();
  wrapper = undefined;
  fake?.restore();
  vi.useRealTimers();
});

/** The portal as far as the project page asks it; the expiry kept as the API keeps it. */
function portal(role: Role, options: { expiresAt?: string | null; lastDeployment?: DeploymentSummary | null; refuse?: { status: number; data: unknown } } = {}) {
  let expiresAt = options.expiresAt ?? null;
  const patches: unknown[] = [];
  const project = (): Project =>
    projectFixture(role, {
      name: "shop",
      displayName: "Shop",
      role,
      quota: { cpu: "2", memory: "4Gi", pods: 20 },
      monitoring: { dashboard: false },
      deployed: true,
      expiresAt,
      apps: [],
      lastDeployment: options.lastDeployment ?? null,
    });
  fake = fakeApi((request) => {
    const { method, url } = request;
    if (method === "GET" && url === "/projects/shop") return { data: { project: project() } };
    if (method === "GET" && (url === "/projects/shop/deployments" || url === "/projects/shop/members" || url === "/projects/shop/alerts")) return { data: { items: [] } };
    if (method === "GET" && url === "/projects/shop/status")
      return { data: projectStatus({ deployed: false, health: "missing", message: "The project has not been deployed yet." }) };
    if (method === "GET" && url === "/projects/shop/metrics") return { status: 503, data: { error: { code: "metrics_not_configured", message: "No Prometheus." } } };
    if (method === "GET" && url === "/projects/shop/webhook") return { data: { webhook: null } };
    if (method === "PATCH" && url === "/projects/shop") {
      patches.push(request.body);
      if (role !== "owner") return { status: 403, data: { error: { code: "forbidden", message: "Only owners can do that." } } };
      if (options.refuse) return options.refuse;
      expiresAt = (request.body as { expiresAt: string | null }).expiresAt;
      return { data: { project: project() } };
    }
    return undefined;
  });
  return { patches };
}

async function open(role: Role, options: Parameters<typeof portal>[1] = {}) {
  const state = portal(role, options);
  ({ wrapper } = await mountPage(ProjectPage, "/projects/shop", freshPinia()));
  await eventually(() => expect(wrapper!.find("h1").text()).toBe("Shop"));
  return { ...state, page: wrapper };
}

const section = (page: VueWrapper) => page.find("section[aria-labelledby=expiry-heading]");
const button = (page: VueWrapper, text: string) =>
  section(page)
    .findAll("button")
    .find((candidate) => candidate.text() === text);

describe("the expiry on the project page", () => {
  it("counts down, with the exact time on hover; an owner extends it by a day or a week from the current expiry", async () => {
    const { page, patches } = await open("owner", { expiresAt: at(2 * DAY + 3 * HOUR + 10 * 60_000) });
    const countdown = section(page).find("[data-testid=expiry-countdown] time");
    expect(countdown.text()).toBe("Expires in 2 days, 3 hours");
    expect(countdown.attributes("title")).toContain("(2026-12-03 15:10 UTC)");
    expect(countdown.attributes("datetime")).toBe(at(2 * DAY + 3 * HOUR + 10 * 60_000));
    expect(section(page).text()).toContain("Its owners are mailed a day before.");

    await button(page, "+1 day")!.trigger("click");
    await eventually(() => expect(section(page).find("time").text()).toBe("Expires in 3 days, 3 hours"));
    await button(page, "+7 days")!.trigger("click");
    await eventually(() => expect(section(page).find("time").text()).toBe("Expires in 10 days, 3 hours"));
    expect(patches).toEqual([{ expiresAt: at(3 * DAY + 3 * HOUR + 10 * 60_000) }, { expiresAt: at(10 * DAY + 3 * HOUR + 10 * 60_000) }]);
  });

  it("lets an owner remove the expiry, and set one again in N days", async () => {
    const { page, patches } = await open("owner", { expiresAt: at(5 * HOUR) });
    expect(section(page).find("time").text()).toBe("Expires in 5 hours");
    await button(page, "Remove expiry")!.trigger("click");
    await eventually(() => expect(section(page).find("[data-testid=expiry-none]").text()).toBe("No expiry: the project stays until it is deleted."));

    const days = section(page).find("input[type=number]");
    await days.setValue("0");
    await section(page).find("form").trigger("submit");
    await eventually(() => expect(section(page).find("[role=alert]").text()).toBe("Days must be a whole number of days from 1 to 90."));
    await days.setValue("3");
    await section(page).find("form").trigger("submit");
    await eventually(() => expect(section(page).find("time").text()).toBe("Expires in 3 days"));
    expect(patches).toEqual([{ expiresAt: null }, { expiresAt: at(3 * DAY) }]);
  });

  it("offers no extension beyond the API's 90 days", async () => {
    const { page } = await open("owner", { expiresAt: at(88 * DAY) });
    expect(button(page, "+1 day")!.attributes("disabled")).toBeUndefined();
    expect(button(page, "+7 days")!.attributes("disabled")).toBeDefined();
    expect(button(page, "+7 days")!.attributes("title")).toBe("At most 90 days ahead");
  });

  it("shows the API's refusal", async () => {
    const { page } = await open("owner", {
      expiresAt: at(DAY),
      refuse: {
        status: 409,
        data: {
          error: {
            code: "being_deleted",
            message: 'expiresAt: "shop" is being deleted (deployment 7 is queued)',
            details: [{ path: "expiresAt", message: "the project is being deleted" }],
          },
        },
      },
    });
    await button(page, "+1 day")!.trigger("click");
    await eventually(() => expect(section(page).text()).toContain("is being deleted"));
  });

  for (const role of ["developer", "viewer"] as const) {
    it(`shows a ${role} the countdown without buttons, and no section without an expiry`, async () => {
      const { page } = await open(role, { expiresAt: at(20 * HOUR) });
      expect(section(page).find("time").text()).toBe("Expires in 20 hours");
      expect(section(page).findAll("button")).toHaveLength(0);
      expect(section(page).find("form").exists()).toBe(false);
      page.unmount();
      fake!.restore();
      const without = await open(role);
      expect(section(without.page).exists()).toBe(false);
    });
  }

  it("past its time: says the removal is under way, or that it failed and is retried, and lets an owner keep it", async () => {
    const destroy = (status: DeploymentSummary["status"], error: string | null = null): DeploymentSummary =>
      deploymentFixture({ id: "12", kind: "destroy", status, error, createdAt: at(-10 * 60_000), finishedAt: status === "failed" ? at(-5 * 60_000) : null });
    const running = await open("viewer", { expiresAt: at(-10 * 60_000), lastDeployment: destroy("running") });
    expect(section(running.page).find("time").text()).toBe("Expired 10 minutes ago");
    expect(section(running.page).find("[data-testid=expiry-state]").text()).toBe("It is being removed: deployment #12 destroys its stack, then the project is deleted.");
    running.page.unmount();
    fake!.restore();

    const { page, patches } = await open("owner", { expiresAt: at(-10 * 60_000), lastDeployment: destroy("failed", "the cluster could not be reached") });
    const state = section(page).find("[data-testid=expiry-state]").text();
    expect(state).toContain("Removing it failed: the cluster could not be reached.");
    expect(state).toContain("tries again later (after 15 minutes, then less and less often, at most every 6 hours)");
    expect(state).toContain("To keep the project, extend the expiry.");
    await button(page, "+1 day")!.trigger("click");
    await eventually(() => expect(section(page).find("time").text()).toBe("Expires in 1 day"));
    // From now, not from the time that passed.
    expect(patches).toEqual([{ expiresAt: at(DAY) }]);
  });
});

describe("the projects list", () => {
  it("shows each expiring project's countdown", async () => {
    fake = fakeApi((request) => {
      if (request.method === "GET" && request.url === "/projects") {
        const item = { role: "viewer", quota: { cpu: "1", memory: "1Gi", pods: 5 }, appCount: 0, createdAt: at(-DAY), lastDeployment: null };
        return {
          data: {
            items: [
              { ...item, name: "pr-7", displayName: null, expiresAt: at(26 * HOUR) },
              { ...item, name: "main", displayName: null, expiresAt: null },
            ],
          },
        };
      }
      return undefined;
    });
    ({ wrapper } = await mountPage(ProjectsPage, "/projects", freshPinia()));
    await eventually(() => expect(wrapper!.findAll("[data-testid=project-expiry]").map((found) => found.text())).toEqual(["Expires in 1 day, 2 hours"]));
  });
});

describe("a new preview environment", () => {
  it("is created with an expiry N days ahead; a wrong number stays at the field and nothing is sent", async () => {
    const posts: unknown[] = [];
    fake = fakeApi((request) => {
      if (request.method === "POST" && request.url === "/projects") {
        posts.push(request.body);
        return { status: 201, data: { project: { name: "pr-42" } } };
      }
      if (request.method === "GET") return { status: 404, data: { error: { code: "not_found", message: "Not here." } } };
      return undefined;
    });
    const mounted = await mountPage(NewProjectPage, "/projects/new", freshPinia());
    wrapper = mounted.wrapper;
    await wrapper.findAll("input")[0]!.setValue("pr-42");
    expect(wrapper.text()).toContain("Preview environment (optional)");
    await wrapper.find("input[type=checkbox]").setValue(true);
    const days = wrapper.find("fieldset:last-of-type input[type=number]");
    expect(wrapper.text()).toContain("Its owners are mailed a day before, and can extend it.");
    await days.setValue("91");
    await wrapper.find("form").trigger("submit");
    await eventually(() => expect(wrapper!.find("fieldset:last-of-type .error").text()).toContain("must be a whole number of days from 1 to 90"));
    expect(posts).toEqual([]);

    await days.setValue("2");
    await wrapper.find("form").trigger("submit");
    await eventually(() => expect(posts).toHaveLength(1));
    expect(posts[0]).toEqual({ name: "pr-42", quota: { cpu: "2", memory: "4Gi", pods: 20 }, expiresAt: at(2 * DAY) });
    await eventually(() => expect(mounted.router.currentRoute.value.path).toBe("/projects/pr-42"));
  });

  it("has no expiry unless asked", async () => {
    const posts: unknown[] = [];
    fake = fakeApi((request) => {
      if (request.method === "POST" && request.url === "/projects") {
        posts.push(request.body);
        return { status: 201, data: { project: { name: "kept" } } };
      }
      if (request.method === "GET") return { status: 404, data: { error: { code: "not_found", message: "Not here." } } };
      return undefined;
    });
    ({ wrapper } = await mountPage(NewProjectPage, "/projects/new", freshPinia()));
    await wrapper.findAll("input")[0]!.setValue("kept");
    await wrapper.find("form").trigger("submit");
    await eventually(() => expect(posts).toEqual([{ name: "kept", quota: { cpu: "2", memory: "4Gi", pods: 20 } }]));
  });
});
