// @vitest-environment happy-dom
/**
 * The project page's apps table from status answers a real cluster gives for crashing, rolling and healthy
 * apps (given to the axios client, since the local cluster's simulated pods never crash): each row's health,
 * ready of desired pods and the reason in words; the project's health in the header; and, without a cluster
 * or before the first deploy, a quiet sentence instead of an error.
 */
import type { App, Project, ProjectStatus } from "@babyhelm/sdk/api";
import type { VueWrapper } from "@vue/test-utils";
import { afterEach, describe, expect, it } from "vitest";
import ProjectPage from "../pages/ProjectPage.vue";
import { eventually, freshPinia, mountPage } from "../test-support.js";
import { appFixture, appStatus, deploymentFixture, fakeApi, pod, projectFixture, projectStatus } from "../test-fakes.js";

// The rest as appFixture has it (a new app's defaults).
const app = (name: string, overrides: Partial<App> = {}): App => appFixture({ name, image: "nginx:1.27", port: 80, ...overrides });

const project: Project = projectFixture("owner", {
  name: "shop",
  displayName: "Shop",
  role: "owner",
  quota: { cpu: "2", memory: "4Gi", pods: 20 },
  monitoring: { dashboard: false },
  deployed: true,
  apps: [app("web", { replicas: 2, domain: "shop.example.com" }), app("api"), app("worker", { port: null })],
  lastDeployment: deploymentFixture({ id: "3", kind: "up", status: "succeeded", createdAt: "2030-01-01T10:00:00Z", finishedAt: "2030-01-01T10:01:00Z" }),
});

const CRASHING = "CrashLoopBackOff (2 of 2 pods): The container keeps crashing: it exits with code 1; restarted 5 times.";
const live = projectStatus({
  health: "degraded",
  apps: [
    appStatus({
      name: "web",
      health: "degraded",
      reason: CRASHING,
      replicas: { desired: 2, ready: 0, updated: 2, available: 0 },
      pods: [pod({ name: "web-1", ready: false, restarts: 5 }), pod({ name: "web-2", ready: false, restarts: 5 })],
    }),
    appStatus({ name: "api" }),
    appStatus({
      name: "worker",
      health: "progressing",
      reason: "Unschedulable: No node can run the pod: 0/3 nodes are available: 3 Insufficient memory.",
      replicas: { desired: 1, ready: 0, updated: 1, available: 0 },
      rollout: { state: "progressing", reason: "ReplicaSetUpdated", message: null },
    }),
    // Removed from the spec, still running until the next deploy.
    appStatus({ name: "legacy" }),
  ],
});

let fake: ReturnType<typeof fakeApi> | undefined;
let wrapper: VueWrapper | undefined;
afterEach(() => {
  wrapper?.unmount();
  fake?.restore();
});

async function openProject(status: ProjectStatus) {
  fake = fakeApi(({ method, url }) => {
    if (method !== "GET") return undefined;
    if (url === "/projects/shop") return { data: { project } };
    if (url === "/projects/shop/deployments") return { data: { items: [project.lastDeployment] } };
    if (url === "/projects/shop/members") return { data: { items: [] } };
    if (url === "/projects/shop/status") return { data: status };
    if (url === "/projects/shop/metrics") return { status: 503, data: { error: { code: "metrics_not_configured", message: "No Prometheus." } } };
    if (url === "/projects/shop/deployments/3") return { data: { deployment: { ...project.lastDeployment, log: "" } } };
    if (url === "/projects/shop/alerts") return { data: { items: [] } };
    if (url === "/projects/shop/webhook") return { data: { webhook: null } };
    return undefined;
  });
  ({ wrapper } = await mountPage(ProjectPage, "/projects/shop", freshPinia()));
  return wrapper;
}

const row = (page: VueWrapper, name: string) => page.find(`tr[data-app="${name}"]`);
/** A cell's text as it reads on screen, its parts apart (textContent runs a name and its domain together). */
const words = (node: Node): string => (node.nodeType === Node.TEXT_NODE ? (node.textContent ?? "") : [...node.childNodes].map(words).join(" "));
const cells = (page: VueWrapper, name: string) =>
  row(page, name)
    .findAll("td")
    .map((cell) => words(cell.element).replace(/\s+/g, " ").trim());

describe("the apps table", () => {
  it("shows each app's health, ready of desired pods and why it is not healthy", async () => {
    const page = await openProject(live);
    await eventually(() => expect(row(page, "web").find("[data-testid=health]").text()).toBe("degraded"));

    expect(cells(page, "web").slice(0, 5)).toEqual(["web shop.example.com", "nginx:1.27", "80", "0/2 ready", `degraded ${CRASHING}`]);
    expect(cells(page, "api").slice(0, 5)).toEqual(["api", "nginx:1.27", "80", "1/1 ready", "healthy"]);
    expect(row(page, "api").find("[data-testid=reason]").exists()).toBe(false);
    expect(row(page, "worker").find("[data-testid=health]").text()).toBe("progressing");
    expect(row(page, "worker").find("[data-testid=reason]").text()).toBe("Unschedulable: No node can run the pod: 0/3 nodes are available: 3 Insufficient memory.");
    expect(row(page, "legacy").text()).toContain("removed from the spec; leaves the cluster on the next deploy");
    expect(row(page, "legacy").find("[data-testid=health]").text()).toBe("healthy");

    // The project's health: in the header and above the table, with a count.
    expect(page.find(".heading .hint").text()).toContain("health degraded");
    expect(page.find("[data-testid=status-summary]").text()).toBe("2 of 4 apps healthy.");

    // The app's name leads to its status page; Edit still to its form.
    const links = row(page, "web")
      .findAll("a")
      .map((link) => [link.text(), link.attributes("href")]);
    expect(links).toEqual([
      ["web", "/projects/shop/apps/web/status"],
      ["Status", "/projects/shop/apps/web/status"],
      ["Edit", "/projects/shop/apps/web"],
    ]);
  });

  it("says calmly that no cluster is configured, with the spec's pods and no health", async () => {
    const message = "This portal is not connected to a cluster (KUBECONFIG is not set), so it cannot show what runs.";
    const page = await openProject(projectStatus({ cluster: "not_configured", deployed: false, health: null, message }));
    const apps = () => page.find("section[aria-labelledby=apps-heading]");
    await eventually(() => expect(apps().find("[data-testid=status-absence]").text()).toBe(message));
    expect(apps().findAll("[role=alert]")).toHaveLength(0);
    expect(page.findAll(".banner.error")).toHaveLength(0);
    expect(cells(page, "web").slice(3, 5)).toEqual(["2", "—"]);
    expect(apps().find("[data-testid=health]").exists()).toBe(false);
    expect(page.find(".heading .hint").text()).not.toContain("health");
  });

  it("says when the cluster does not answer, and when the project was never deployed", async () => {
    const unreachable = await openProject(projectStatus({ cluster: "unreachable", deployed: false, health: null, message: "The cluster did not answer: connect ECONNREFUSED." }));
    await eventually(() => expect(unreachable.find("[data-testid=status-absence]").text()).toBe("The cluster did not answer: connect ECONNREFUSED."));
    expect(unreachable.findAll(".banner.error")).toHaveLength(0);
    unreachable.unmount();
    fake!.restore();

    const never = await openProject(projectStatus({ deployed: false, health: "missing", message: "The project has not been deployed yet: deploy it to see its apps run." }));
    await eventually(() => expect(never.find("[data-testid=status-absence]").text()).toBe("The project has not been deployed yet: deploy it to see its apps run."));
    expect(never.findAll(".banner.error")).toHaveLength(0);
    expect(cells(never, "api").slice(3, 5)).toEqual(["1", "—"]);
  });

  it("marks private apps as such, and only them", async () => {
    const withPrivate: Project = { ...project, apps: [app("web", { domain: "shop.example.com" }), app("admin", { domain: "admin.example.com", visibility: "private" })] };
    fake = fakeApi(({ url }) => {
      if (url === "/projects/shop") return { data: { project: withPrivate } };
      if (url === "/projects/shop/deployments" || url === "/projects/shop/members") return { data: { items: [] } };
      if (url === "/projects/shop/status") return { data: projectStatus({ apps: [appStatus({ name: "web" }), appStatus({ name: "admin" })] }) };
      return undefined;
    });
    ({ wrapper } = await mountPage(ProjectPage, "/projects/shop", freshPinia()));
    await eventually(() => expect(cells(wrapper!, "admin")[0]).toBe("admin private admin.example.com"));
    expect(row(wrapper, "admin").find("[data-testid=visibility]").attributes("title")).toBe("Served only through the platform's private network");
    expect(cells(wrapper, "web")[0]).toBe("web shop.example.com");
    expect(row(wrapper, "web").find("[data-testid=visibility]").exists()).toBe(false);
  });

  it("keeps the table when the status request fails, saying so in a line", async () => {
    fake = fakeApi(({ url }) => {
      if (url === "/projects/shop") return { data: { project } };
      if (url === "/projects/shop/deployments" || url === "/projects/shop/members") return { data: { items: [] } };
      if (url === "/projects/shop/status") return { status: 500, data: { error: { code: "internal", message: "Something went wrong on our side." } } };
      return undefined;
    });
    ({ wrapper } = await mountPage(ProjectPage, "/projects/shop", freshPinia()));
    await eventually(() => expect(wrapper!.find("[data-testid=status-error]").text()).toBe("Live health is unavailable: Something went wrong on our side."));
    expect(cells(wrapper, "web").slice(0, 4)).toEqual(["web shop.example.com", "nginx:1.27", "80", "2"]);
  });
});
