// @vitest-environment happy-dom
/**
 * The deploy dialog on the project page, from answers given to the axios client (the real engine's preview
 * against the local cluster is in portal/server/src/deployments/real-operations.test.ts and the chromium
 * journey): opening it asks for a preview and says so while it waits; a preview the portal answers at once
 * or after its queue shows its plan per resource; a preview that failed (no engine on this portal) or that
 * the user may not run falls back to the offline spec comparison, labelled with the reason. Confirming deploys.
 */
import type { Deployment, DeploymentSummary, PlanStep, Project, Role } from "@babyhelm/sdk/api";
import type { VueWrapper } from "@vue/test-utils";
import { describe, expect, it } from "vitest";
import ProjectPage from "../pages/ProjectPage.vue";
import { eventually, freshPinia, mountPage } from "../test-support.js";
import {
  appFixture,
  cleanUpMounts,
  deferred,
  deploymentDetailFixture,
  deploymentFixture,
  fakeApi,
  projectFixture,
  projectPageBackground,
  type FakeAnswer,
  type FakeRequest,
} from "../test-fakes.js";

const APP = appFixture({ name: "web", image: "nginx:1.28", port: 80, replicas: 1, resources: { cpu: "100m", memory: "128Mi" } });
const DEPLOYED: DeploymentSummary = deploymentFixture({
  id: "3",
  kind: "up",
  status: "succeeded",
  manifestsDigest: "sha256:aaa",
  createdAt: "2030-01-01T10:00:00Z",
  finishedAt: "2030-01-01T10:01:00Z",
});
const PLAN: PlanStep[] = [
  { op: "update", kind: "Deployment", name: "web", changes: [{ field: "spec.template.spec.containers[0].image", before: "nginx:1.27", after: "nginx:1.28" }] },
  { op: "update", kind: "Secret", name: "web-env", changes: [{ field: "data.API_KEY" }] },
];
const preview = (overrides: Partial<Deployment>): Deployment =>
  deploymentDetailFixture({ id: "9", kind: "preview", status: "succeeded", log: "", createdAt: "2030-01-01T11:00:00Z", finishedAt: "2030-01-01T11:00:05Z", ...overrides });

let fake: ReturnType<typeof fakeApi> | undefined;
let wrapper: VueWrapper | undefined;
cleanUpMounts(() => ({ wrapper, fake }));

function project(role: Role): Project {
  return projectFixture(role, { apps: [APP], lastDeployment: DEPLOYED });
}

/** The portal as the project page asks it; `answer` takes what this spec is about first. */
async function open(role: Role, answer: (request: FakeRequest) => FakeAnswer | undefined) {
  fake = fakeApi((request) => {
    const given = answer(request);
    if (given) return given;
    const { method, url } = request;
    if (method === "GET" && url === "/projects/shop") return { data: { project: project(role) } };
    if (method === "GET" && url === "/projects/shop/deployments") return { data: { items: [DEPLOYED] } };
    if (method === "GET" && url === "/projects/shop/deployments/3")
      return { data: { deployment: { ...DEPLOYED, log: "", spec: { name: "shop", apps: [{ ...APP, image: "nginx:1.27" }] } } } };
    if (method === "GET" && url === "/projects/shop/spec") return { data: { name: "shop", apps: [APP] } };
    if (method === "GET" && url === "/projects/shop/drift")
      return {
        data: {
          drift: { state: "unchecked", message: "Not checked yet.", checkId: null, checkedAt: null, against: null, error: null, resources: [], pending: null, intervalMs: 0 },
        },
      };
    if (method === "POST" && url === "/projects/shop/deployments")
      return { status: 202, data: { deployment: { id: "10", kind: "up", status: "queued", createdAt: "2030-01-01T11:01:00Z", finishedAt: null } } };
    return projectPageBackground(request);
  });
  ({ wrapper } = await mountPage(ProjectPage, "/projects/shop", freshPinia()));
  await eventually(() => expect(wrapper!.find("h1").text()).toBe("Shop"));
  const page = wrapper;
  await page
    .findAll("button")
    .find((button) => button.text() === "Deploy…")!
    .trigger("click");
  return page;
}

const dialog = (page: VueWrapper) => page.find("dialog[aria-label='Deploy these changes?']");
const resources = (page: VueWrapper) =>
  dialog(page)
    .findAll("[data-testid=plan-step]")
    .map((step) => `${step.find("[data-testid=plan-op]").text()} ${step.find("[data-testid=plan-resource]").text()}`);

describe("the deploy dialog", () => {
  it("asks the engine for a preview, says so while it waits, then shows the plan per resource", async () => {
    const held = deferred<{ status?: number; data: unknown }>();
    const page = await open("developer", ({ method, url }) => (method === "POST" && url === "/projects/shop/previews" ? held.promise : undefined));
    expect(dialog(page).find("[role=status]").text()).toBe("Asking the engine for a preview…");
    expect(fake!.requests.find((request) => request.url === "/projects/shop/previews")!.params).toEqual({ wait: "20" });

    held.resolve({ data: { preview: preview({ plan: PLAN }) } });
    await eventually(() => expect(resources(page)).toEqual(["update Deployment web", "update Secret web-env"]));
    const image = dialog(page).find("li[data-field='spec.template.spec.containers[0].image']");
    expect([image.find("[data-testid=field-before]").text(), image.find("[data-testid=field-after]").text()]).toEqual(["nginx:1.27", "nginx:1.28"]);
    expect(dialog(page).find("li[data-field='data.API_KEY'] [data-testid=field-hidden]").exists()).toBe(true);
    expect(dialog(page).text()).not.toContain("Offline comparison");
    // No offline comparison was made: the engine's plan is the review.
    expect(fake!.count("GET", "/projects/shop/spec")).toBe(0);

    await dialog(page)
      .findAll("button")
      .find((button) => button.text() === "Deploy")!
      .trigger("click");
    await eventually(() => expect(fake!.count("POST", "/projects/shop/deployments")).toBe(1));
    expect(fake!.requests.find((request) => request.method === "POST" && request.url === "/projects/shop/deployments")!.body).toEqual({});
    await eventually(() => expect(page.find("li[data-deployment='10']").exists()).toBe(true));
  });

  it("follows a preview still queued behind a deploy until it has run", async () => {
    const states = ["running", "succeeded"] as const;
    let reads = 0;
    const page = await open("owner", ({ method, url }) => {
      if (method === "POST" && url === "/projects/shop/previews") return { status: 202, data: { preview: preview({ status: "queued", finishedAt: null }) } };
      if (method === "GET" && url === "/projects/shop/deployments/9") {
        const status = states[Math.min(reads++, states.length - 1)]!;
        return { data: { deployment: preview({ status, plan: status === "succeeded" ? [{ op: "create", kind: "Service", name: "web", changes: [] }] : null }) } };
      }
      return undefined;
    });
    await eventually(() => expect(dialog(page).find("[role=status]").text()).toBe("The preview waits for the project's earlier deployments to finish…"));
    await eventually(() => expect(resources(page)).toEqual(["create Service web"]), 10_000);
    expect(reads).toBe(2);
  });

  it("falls back to the offline comparison, labelled with the reason, when the preview failed (no engine on this portal)", async () => {
    const page = await open("developer", ({ method, url }) =>
      method === "POST" && url === "/projects/shop/previews"
        ? { data: { preview: preview({ status: "failed", error: "The Pulumi engine is not available on this portal.\n    at runPulumiEngine (engine.ts:12)" }) } }
        : undefined,
    );
    await eventually(() => expect(dialog(page).find("[data-testid=changes]").exists()).toBe(true));
    expect(dialog(page).find("[data-testid=offline-label]").text()).toBe(
      "Offline comparison (the engine's preview is unavailable: The Pulumi engine is not available on this portal)",
    );
    expect(
      dialog(page)
        .findAll("[data-testid=changes] li")
        .map((item) => item.text()),
    ).toEqual(["app web: image nginx:1.27 → nginx:1.28"]);
    expect(dialog(page).find("[data-testid=plan]").exists()).toBe(false);
  });

  it("falls back to the offline comparison when the portal refuses the preview", async () => {
    const page = await open("developer", ({ method, url }) =>
      method === "POST" && url === "/projects/shop/previews"
        ? { status: 403, data: { error: { code: "forbidden", message: "You need the developer role in shop to do that." } } }
        : undefined,
    );
    await eventually(() => expect(dialog(page).find("[data-testid=changes]").exists()).toBe(true));
    expect(dialog(page).find("[data-testid=offline-label]").text()).toBe(
      "Offline comparison (the engine's preview is unavailable: You need the developer role in shop to do that)",
    );
    expect(dialog(page).find("[data-testid=changes]").text()).toBe("app web: image nginx:1.27 → nginx:1.28");
  });

  it("says when the engine finds nothing to change", async () => {
    const page = await open("developer", ({ method, url }) => (method === "POST" && url === "/projects/shop/previews" ? { data: { preview: preview({ plan: [] }) } } : undefined));
    await eventually(() => expect(dialog(page).find("[data-testid=plan-empty]").text()).toBe("Nothing would change in the cluster; deploying again reapplies the spec."));
  });
});
