// @vitest-environment happy-dom
/**
 * The project's deployment history, from answers given to the axios client (the API's side, against real
 * PostgreSQL and the local cluster, is in portal/server/src/routes and deployments/real-operations.test.ts):
 * rollbacks and refreshes marked in the list; each up that succeeded and recorded what it deployed offers
 * its spec, its difference from the up before (spec fields and changed objects) and, for developers and
 * owners, a rollback behind a confirmation that says what it does; a 409 shows the portal's message and the
 * fields in the way.
 */
import type { DeploymentDiff, DeploymentSummary, Project, Role } from "@babyhelm/sdk/api";
import type { VueWrapper } from "@vue/test-utils";
import { describe, expect, it } from "vitest";
import ProjectPage from "../pages/ProjectPage.vue";
import { eventually, freshPinia, mountPage } from "../test-support.js";
import { cleanUpMounts, deploymentFixture, fakeApi, projectFixture, projectPageBackground, type FakeAnswer, type FakeRequest } from "../test-fakes.js";

const up = (id: string, overrides: Partial<DeploymentSummary> = {}): DeploymentSummary =>
  deploymentFixture({
    id,
    kind: "up",
    status: "succeeded",
    refresh: false,
    rollbackOf: null,
    manifestsDigest: `sha256:${id}`,
    createdAt: `2030-01-0${id}T10:00:00Z`,
    finishedAt: `2030-01-0${id}T10:01:00Z`,
    ...overrides,
  });
/** Newest first: a rollback, a deploy with refresh, a failure, the first recorded up, and one from before deployments were recorded. */
const HISTORY: DeploymentSummary[] = [
  up("7", { rollbackOf: "4" }),
  up("6", { refresh: true }),
  up("5", { status: "failed", manifestsDigest: null }),
  up("4"),
  up("2", { manifestsDigest: null }),
];
const DIFF: DeploymentDiff = {
  from: { id: "6", sdkVersion: "0.4.0", manifestsDigest: "sha256:6" },
  to: { id: "7", sdkVersion: "0.4.0", manifestsDigest: "sha256:7" },
  spec: [
    { path: "apps[web].image", before: "nginx:1.28", after: "nginx:1.27" },
    { path: "apps[web].secretEnv.API_KEY", before: "********", after: "********" },
  ],
  manifests: [{ object: "Deployment shop/web", op: "changed", changes: [{ path: "spec.template.spec.containers[web].image", before: "nginx:1.28", after: "nginx:1.27" }] }],
};

let fake: ReturnType<typeof fakeApi> | undefined;
let wrapper: VueWrapper | undefined;
cleanUpMounts(() => ({ wrapper, fake }));

function project(role: Role): Project {
  return projectFixture(role, { lastDeployment: HISTORY[0]! });
}

async function open(role: Role, answer: (request: FakeRequest) => FakeAnswer | undefined = () => undefined) {
  fake = fakeApi((request) => {
    const given = answer(request);
    if (given) return given;
    const { method, url } = request;
    if (method === "GET" && url === "/projects/shop") return { data: { project: project(role) } };
    if (method === "GET" && url === "/projects/shop/deployments") return { data: { items: HISTORY } };
    if (method === "GET" && url === "/projects/shop/deployments/7") return { data: { deployment: { ...HISTORY[0], log: "done" } } };
    return projectPageBackground(request);
  });
  ({ wrapper } = await mountPage(ProjectPage, "/projects/shop", freshPinia()));
  await eventually(() => expect(wrapper!.find("h1").text()).toBe("Shop"));
  return wrapper;
}

const section = (page: VueWrapper) => page.find("section[aria-labelledby=deployments-heading]");
const row = (page: VueWrapper, id: string) => section(page).find(`li[data-deployment="${id}"]`);
const buttons = (page: VueWrapper, id: string) =>
  row(page, id)
    .findAll(".history-actions button")
    .map((button) => button.text());
const click = async (page: VueWrapper, id: string, label: string) =>
  row(page, id)
    .findAll("button")
    .find((button) => button.text() === label)!
    .trigger("click");
const rollbackDialog = (page: VueWrapper) => section(page).find("dialog[aria-label='Roll back to #4?']");

describe("the deployment history", () => {
  it("marks rollbacks and deploys with refresh, and offers spec, comparison and rollback on recorded ups that succeeded", async () => {
    const page = await open("developer");
    expect(row(page, "7").find("[data-testid=rollback-of]").text()).toBe("rollback to #4");
    expect(row(page, "6").find("[data-testid=refresh]").text()).toBe("with refresh");
    expect(row(page, "7").find("[data-testid=refresh]").exists()).toBe(false);
    expect(buttons(page, "7")).toEqual(["View spec", "Compare with previous", "Roll back to this"]);
    expect(buttons(page, "6")).toEqual(["View spec", "Compare with previous", "Roll back to this"]);
    // The first recorded up has nothing recorded before it to compare with.
    expect(buttons(page, "4")).toEqual(["View spec", "Roll back to this"]);
    // A failure, and an up from before deployments kept what they deployed, offer nothing.
    expect(buttons(page, "5")).toEqual([]);
    expect(buttons(page, "2")).toEqual([]);
  });

  it.each([
    ["owner", true],
    ["developer", true],
    ["viewer", false],
  ] as const)("offers rollback to a %s: %s", async (role, offered) => {
    const page = await open(role);
    expect(buttons(page, "4").includes("Roll back to this")).toBe(offered);
    expect(buttons(page, "4").includes("View spec")).toBe(true);
  });

  it("shows the spec a deployment deployed, secret values masked", async () => {
    const page = await open("viewer", ({ method, url }) =>
      method === "GET" && url === "/projects/shop/deployments/6/spec"
        ? {
            data: {
              deploymentId: "6",
              status: "succeeded",
              sdkVersion: "0.4.0",
              manifestsDigest: "sha256:6",
              spec: { name: "shop", apps: [{ name: "web", image: "nginx:1.28", secretEnv: { API_KEY: "********" } }] },
            },
          }
        : undefined,
    );
    await click(page, "6", "View spec");
    await eventually(() => expect(section(page).find("[data-testid=deployment-spec]").exists()).toBe(true));
    const detail = section(page).find("[data-testid=history-detail]");
    expect(detail.find("h3").text()).toBe("Spec of #6");
    expect(detail.text()).toContain("Secret values masked · SDK 0.4.0");
    expect(JSON.parse(detail.find("[data-testid=deployment-spec]").text())).toEqual({
      name: "shop",
      apps: [{ name: "web", image: "nginx:1.28", secretEnv: { API_KEY: "********" } }],
    });
    await detail
      .findAll("button")
      .find((button) => button.text() === "Close")!
      .trigger("click");
    expect(section(page).find("[data-testid=history-detail]").exists()).toBe(false);
  });

  it("compares a deployment with the one before: spec fields and changed objects", async () => {
    const page = await open("viewer", ({ method, url }) => (method === "GET" && url === "/projects/shop/deployments/7/diff" ? { data: DIFF } : undefined));
    await click(page, "7", "Compare with previous");
    await eventually(() => expect(section(page).find("[data-testid=history-detail] h3").text()).toBe("From #6 to #7"));
    const detail = section(page).find("[data-testid=history-detail]");
    const image = detail.find("li[data-field='apps[web].image']");
    expect([image.find("[data-testid=field-before]").text(), image.find("[data-testid=field-after]").text()]).toEqual(["nginx:1.28", "nginx:1.27"]);
    expect(detail.find("li[data-field='apps[web].secretEnv.API_KEY']").text()).toContain("******** → ********");
    const objects = detail.findAll("[data-testid=plan-step]");
    expect(objects.map((step) => `${step.find("[data-testid=plan-op]").text()} ${step.find("[data-testid=plan-resource]").text()}`)).toEqual(["update Deployment shop/web"]);
    expect(objects[0]!.find("li[data-field='spec.template.spec.containers[web].image']").text()).toContain("nginx:1.28 → nginx:1.27");
    // The same SDK on both sides: nothing to say about it.
    expect(detail.find("[data-testid=sdk-change]").exists()).toBe(false);
  });

  it("rolls back after a confirmation that says what it does, then follows the new deployment", async () => {
    const page = await open("developer", ({ method, url }) =>
      method === "POST" && url === "/projects/shop/deployments/4/rollback"
        ? { status: 202, data: { deployment: up("8", { status: "queued", rollbackOf: "4", manifestsDigest: null, finishedAt: null }) } }
        : undefined,
    );
    await click(page, "4", "Roll back to this");
    expect(rollbackDialog(page).text()).toContain(
      "The apps as deployment #4 deployed them (images, variables, secret values, replicas…) become the project's apps again, and are deployed.",
    );
    expect(rollbackDialog(page).text()).toContain("The quota and the project's settings stay as they are now.");
    expect(fake!.count("POST", "/projects/shop/deployments/4/rollback")).toBe(0);

    await rollbackDialog(page)
      .findAll("button")
      .find((button) => button.text() === "Roll back")!
      .trigger("click");
    await eventually(() => expect(row(page, "8").exists()).toBe(true));
    expect(fake!.count("POST", "/projects/shop/deployments/4/rollback")).toBe(1);
    expect(row(page, "8").find("[data-testid=rollback-of]").text()).toBe("rollback to #4");
    expect(row(page, "8").find("button").attributes("aria-pressed")).toBe("true");
    // The project's apps changed with it: read again.
    await eventually(() => expect(fake!.count("GET", "/projects/shop")).toBe(2));
    expect(section(page).find("[data-testid=rollback-error]").exists()).toBe(false);
  });

  it("shows the portal's 409 with the fields that no longer fit", async () => {
    const page = await open("owner", ({ method, url }) =>
      method === "POST" && url === "/projects/shop/deployments/4/rollback"
        ? {
            status: 409,
            data: {
              error: {
                code: "no_longer_valid",
                message: "The spec of deployment 4 no longer fits the project: apps[web].resources.cpu is over the quota.",
                details: [{ path: "apps[web].resources.cpu", message: "1500m is more than the project's CPU quota of 1" }],
              },
            },
          }
        : undefined,
    );
    await click(page, "4", "Roll back to this");
    await rollbackDialog(page)
      .findAll("button")
      .find((button) => button.text() === "Roll back")!
      .trigger("click");
    await eventually(() => expect(section(page).find("[data-testid=rollback-error]").exists()).toBe(true));
    const shown = section(page).find("[data-testid=rollback-error]");
    expect(shown.attributes("role")).toBe("alert");
    expect(shown.find("p").text()).toBe("The spec of deployment 4 no longer fits the project: apps[web].resources.cpu is over the quota.");
    expect(shown.findAll("li").map((item) => item.text())).toEqual(["apps[web].resources.cpu: 1500m is more than the project's CPU quota of 1"]);
    // Nothing was queued.
    expect(
      section(page)
        .findAll("li[data-deployment]")
        .map((item) => item.attributes("data-deployment")),
    ).toEqual(["7", "6", "5", "4", "2"]);
  });
});
