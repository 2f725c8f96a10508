// @vitest-environment happy-dom
/**
 * The deployment view's verdict: a deploy can succeed (the engine applied everything) and leave an app
 * crashing. Followed live (a fake EventSource plays the server's events) until it succeeds, the view asks
 * for the status again and says plainly what is not healthy, from that answer and not from one read before.
 */
import type { DeploymentSummary, ProjectStatus } from "@babyhelm/sdk/api";
import { mount, type VueWrapper } from "@vue/test-utils";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { useProjectsStore } from "../stores/projects.js";
import { eventually, freshPinia } from "../test-support.js";
import { appStatus, deploymentFixture, FakeEventSource, fakeApi, projectStatus } from "../test-fakes.js";
import DeploymentLog from "./DeploymentLog.vue";

const CRASHING = "CrashLoopBackOff: The container keeps crashing: it exits with code 1; restarted 5 times.";
const queued: DeploymentSummary = deploymentFixture({ id: "7", kind: "up", status: "queued", createdAt: "2030-01-01T10:00:00Z", finishedAt: null });
const finishedAt = "2030-01-01T10:02:00.000Z";

let fake: ReturnType<typeof fakeApi>;
let wrapper: VueWrapper | undefined;
beforeEach(() => FakeEventSource.install());
afterEach(() => {
  wrapper?.unmount();
  fake?.restore();
  vi.unstubAllGlobals();
});

/** The status before the deploy ends is read at 10:01 (all well); after it, at 10:03, as `after` says. */
function portal(after: ProjectStatus, final: DeploymentSummary["status"] = "succeeded") {
  let ended = false;
  fake = fakeApi(({ url }) => {
    if (url === "/projects/shop/status") return { data: ended ? after : projectStatus({ readAt: "2030-01-01T10:01:00.000Z", apps: [appStatus({ name: "web" })] }) };
    if (url === "/projects/shop/deployments/7")
      return { data: { deployment: { ...queued, status: final, log: "done\n", finishedAt, error: final === "failed" ? "The engine failed." : null } } };
    return undefined;
  });
  return { end: () => (ended = true) };
}

async function follow(final: DeploymentSummary["status"], latest = true) {
  const pinia = freshPinia();
  useProjectsStore(pinia).deployments = latest ? [queued] : [{ ...queued, id: "8" }, queued];
  wrapper = mount(DeploymentLog, { props: { project: "shop", deployment: queued, canCancel: true }, global: { plugins: [pinia] }, attachTo: document.body });
  await eventually(() => expect(fake.count("GET", "/projects/shop/status")).toBe(1));
  const source = FakeEventSource.instances.at(-1)!;
  expect(source.url).toBe("/api/projects/shop/deployments/7/events");
  source.emit("status", { ...queued, status: "running" });
  source.emit("output", { line: "Updating (shop)" });
  return (server: { end(): void }) => {
    server.end();
    source.emit("status", { ...queued, status: final, finishedAt });
    source.emit("end", { status: final });
  };
}

const verdict = () => wrapper!.find("[data-testid=deployment-verdict]");

describe("a deployment that succeeded", () => {
  it("says which app it left unhealthy, and why", async () => {
    const server = portal(
      projectStatus({
        readAt: "2030-01-01T10:03:00.000Z",
        health: "degraded",
        apps: [appStatus({ name: "web", health: "degraded", reason: CRASHING }), appStatus({ name: "api" })],
      }),
    );
    const finish = await follow("succeeded");
    // The poll read before the end says nothing of what the deploy left.
    expect(verdict().exists()).toBe(false);
    finish(server);
    await eventually(() => expect(verdict().text()).toBe(`Deployed, but web is not healthy: ${CRASHING}`));
    expect(verdict().classes()).toContain("warn");
    expect(fake.count("GET", "/projects/shop/status")).toBe(2);
    expect(wrapper!.find("[role=alert]").exists()).toBe(false);
  });

  it("lists every app left unhealthy, and one still rolling out as such", async () => {
    const server = portal(
      projectStatus({
        readAt: "2030-01-01T10:03:00.000Z",
        health: "degraded",
        apps: [
          appStatus({ name: "web", health: "degraded", reason: CRASHING }),
          appStatus({
            name: "api",
            health: "progressing",
            reason: null,
            replicas: { desired: 2, ready: 1, updated: 2, available: 1 },
            rollout: { state: "progressing", reason: null, message: null },
          }),
        ],
      }),
    );
    const finish = await follow("succeeded");
    finish(server);
    await eventually(() => expect(verdict().find("ul").exists()).toBe(true));
    expect(verdict().text()).toContain("Deployed, but not every app is healthy:");
    expect(
      verdict()
        .findAll("li")
        .map((item) => item.text()),
    ).toEqual([`web is not healthy: ${CRASHING}`, "api is still rolling out: 1 of 2 pods ready."]);
  });

  it("says so when every app is healthy", async () => {
    const server = portal(projectStatus({ readAt: "2030-01-01T10:03:00.000Z", apps: [appStatus({ name: "web" }), appStatus({ name: "api" })] }));
    const finish = await follow("succeeded");
    finish(server);
    await eventually(() => expect(verdict().text()).toBe("Deployed, and every app is healthy."));
    expect(verdict().classes()).toContain("ok");
  });

  it("says nothing of health after a failed deploy, or on a deployment older than the latest", async () => {
    const unhealthy = projectStatus({ readAt: "2030-01-01T10:03:00.000Z", health: "degraded", apps: [appStatus({ name: "web", health: "degraded", reason: CRASHING })] });
    const failed = portal(unhealthy, "failed");
    (await follow("failed"))(failed);
    await eventually(() => expect(wrapper!.find("[data-testid=deployment-error]").text()).toBe("The engine failed."));
    await eventually(() => expect(fake.count("GET", "/projects/shop/status")).toBe(2));
    expect(verdict().exists()).toBe(false);
    wrapper!.unmount();
    fake.restore();

    const older = portal(unhealthy);
    (await follow("succeeded", false))(older);
    await eventually(() => expect(fake.count("GET", "/projects/shop/status")).toBe(2));
    await eventually(() => expect(wrapper!.text()).toContain("succeeded"));
    expect(verdict().exists()).toBe(false);
  });
});
