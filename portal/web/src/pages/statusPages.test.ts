// @vitest-environment happy-dom
/**
 * The project and app pages against the real portal's status route, where no deploy is needed to get the
 * answer: a portal without a cluster, and a project the test run's cluster has never seen. Both are states,
 * not errors, and are said quietly; a viewer's app page asks for no logs. (What a crashing app looks like
 * is in AppStatusPage.test.ts and ProjectAppsSection.test.ts, from answers given to the client.)
 */
import type { VueWrapper } from "@vue/test-utils";
import type { Component } from "vue";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { signUp, startTestPortal, type TestPortal } from "../../../server/src/test-support/portal.js";
import { createProject } from "../../../server/src/test-support/projects.js";
import { useAuthStore } from "../stores/auth.js";
import { eventually, freshPinia, mountPage, useOrigin } from "../test-support.js";
import AppStatusPage from "./AppStatusPage.vue";
import ProjectPage from "./ProjectPage.vue";

const PASSWORD = "correct horse battery";
const mounted: VueWrapper[] = [];
afterEach(() => {
  for (const wrapper of mounted.splice(0)) wrapper.unmount();
  vi.restoreAllMocks();
});

async function signedIn(portal: TestPortal, email: string) {
  useOrigin(portal.url);
  const cookie = await signUp(portal, email, PASSWORD);
  const pinia = freshPinia();
  await useAuthStore(pinia).login({ email, password: PASSWORD });
  return { cookie, pinia };
}

async function open(component: Component, path: string, pinia: ReturnType<typeof freshPinia>) {
  const { wrapper } = await mountPage(component, path, pinia);
  mounted.push(wrapper);
  return wrapper;
}

describe("a portal without a cluster", () => {
  let portal: TestPortal;
  beforeAll(async () => {
    portal = await startTestPortal();
  });
  afterAll(async () => {
    await portal?.stop();
  });

  it("says so on the project page and the app page, without an error, and reads no logs", async () => {
    const { cookie, pinia } = await signedIn(portal, "no-cluster@example.com");
    await createProject(portal, cookie, "shop");
    const answer = await portal.request("GET", "/api/projects/shop/status", { cookie });
    expect(answer.json.cluster).toBe("not_configured");

    const project = await open(ProjectPage, "/projects/shop", pinia);
    await eventually(() => expect(project.find("[data-testid=status-absence]").text()).toBe(answer.json.message));
    const apps = project.find("section[aria-labelledby=apps-heading]");
    expect(apps.findAll("[role=alert]")).toHaveLength(0);
    expect(apps.find("tr[data-app=web] a").attributes("href")).toBe("/projects/shop/apps/web/status");

    const fetchSpy = vi.spyOn(window, "fetch");
    const app = await open(AppStatusPage, "/projects/shop/apps/web/status", pinia);
    await eventually(() => expect(app.find("[data-testid=logs-unavailable]").text()).toBe(answer.json.message));
    expect(app.findAll("[role=alert]")).toHaveLength(0);
    expect(fetchSpy.mock.calls.filter(([url]) => String(url).includes("/logs"))).toHaveLength(0);
  });
});

describe.skipIf(!inject("kubeconfig"))("a portal with the test run's cluster", () => {
  let portal: TestPortal;
  beforeAll(async () => {
    portal = await startTestPortal({ env: { KUBECONFIG: inject("kubeconfig") } });
  });
  afterAll(async () => {
    await portal?.stop();
  });

  it("says a project was never deployed, and keeps logs from a viewer", async () => {
    const suffix = Math.random().toString(36).slice(2, 8);
    const name = `never-${suffix}`;
    // happy-dom's fetch sends its cookie jar's session, whoever logged in last (signUp logs in too): the
    // viewer signs up first, so that the owner's session is the one creating and sharing the project.
    const viewer = `never-viewer-${suffix}@example.com`;
    useOrigin(portal.url);
    await signUp(portal, viewer, PASSWORD);
    const { cookie: owner } = await signedIn(portal, `never-owner-${suffix}@example.com`);
    await createProject(portal, owner, name);
    const answer = await portal.request("GET", `/api/projects/${name}/status`, { cookie: owner });
    expect([answer.json.cluster, answer.json.deployed]).toEqual(["connected", false]);

    const added = await portal.request("POST", `/api/projects/${name}/members`, { cookie: owner, body: { email: viewer, role: "viewer" } });
    expect(added.status).toBe(201);
    const pinia = freshPinia();
    await useAuthStore(pinia).login({ email: viewer, password: PASSWORD });

    const project = await open(ProjectPage, `/projects/${name}`, pinia);
    await eventually(() => expect(project.find("[data-testid=status-absence]").text()).toBe(answer.json.message));
    expect(project.findAll(".banner.error")).toHaveLength(0);

    const fetchSpy = vi.spyOn(window, "fetch");
    const app = await open(AppStatusPage, `/projects/${name}/apps/web/status`, pinia);
    await eventually(() => expect(app.find("[data-testid=logs-forbidden]").exists()).toBe(true));
    expect(app.findAll("button").some((button) => button.text() === "Restart…")).toBe(false);
    expect(fetchSpy.mock.calls.filter(([url]) => String(url).includes("/logs"))).toHaveLength(0);
  });
});
