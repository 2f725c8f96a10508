// @vitest-environment happy-dom
/**
 * The drift section of the project page, from answers given to the axios client (a kubectl-style edit found
 * and undone in the local cluster is in portal/server/src/deployments/real-operations.test.ts): each state
 * with the portal's sentence and when it was checked; drifted objects with their fields in the cluster →
 * what BabyHelm deploys; "Check now" for developers and owners, followed while the check waits and runs;
 * "Put the cluster back" (a deploy with refresh) only when drifted; nothing to press for a viewer.
 */
import type { DeploymentSummary, Drift, Project, Role } from "@babyhelm/sdk/api";
import type { VueWrapper } from "@vue/test-utils";
import { describe, expect, it } from "vitest";
import ProjectPage from "../pages/ProjectPage.vue";
import { eventually, freshPinia, mountPage } from "../test-support.js";
import { cleanUpMounts, deploymentFixture, fakeApi, projectFixture, projectPageBackground, type FakeAnswer, type FakeRequest } from "../test-fakes.js";

const DEPLOYED: DeploymentSummary = deploymentFixture({
  id: "7",
  kind: "up",
  status: "succeeded",
  manifestsDigest: "sha256:7",
  createdAt: "2030-01-01T10:00:00Z",
  finishedAt: "2030-01-01T10:01:00Z",
});
const CHECKED = "2030-01-01T11:00:00Z";
const drift = (overrides: Partial<Drift>): Drift => ({
  state: "in_sync",
  message: "The cluster matches the last deployment.",
  checkId: "9",
  checkedAt: CHECKED,
  against: "7",
  error: null,
  resources: [],
  pending: null,
  intervalMs: 3_600_000,
  ...overrides,
});
const DRIFTED = drift({
  state: "drifted",
  message: "Objects in the cluster were changed outside BabyHelm. Deploy with refresh to put them back, or change the apps to keep the change.",
  resources: [
    {
      op: "update",
      kind: "Deployment",
      name: "web",
      changes: [
        { field: "spec.replicas", before: 5, after: 1 },
        { field: "spec.template.spec.containers[0].image", before: "nginx:edited", after: "nginx:1.27" },
      ],
    },
  ],
});

let fake: ReturnType<typeof fakeApi> | undefined;
let wrapper: VueWrapper | undefined;
cleanUpMounts(() => ({ wrapper, fake }));

function project(role: Role): Project {
  return projectFixture(role, { lastDeployment: DEPLOYED });
}

async function open(role: Role, answer: (request: FakeRequest) => FakeAnswer | undefined) {
  fake = fakeApi((request) => {
    const given = answer(request);
    if (given) return given;
    const { method, url } = request;
    if (method === "GET" && url === "/projects/shop") return { data: { project: project(role) } };
    if (method === "GET" && url === "/projects/shop/deployments") return { data: { items: [DEPLOYED] } };
    if (method === "GET" && url === "/projects/shop/deployments/7") return { data: { deployment: { ...DEPLOYED, log: "" } } };
    return projectPageBackground(request);
  });
  ({ wrapper } = await mountPage(ProjectPage, "/projects/shop", freshPinia()));
  await eventually(() => expect(wrapper!.find("h1").text()).toBe("Shop"));
  return wrapper;
}

const always =
  (answer: Drift) =>
  ({ method, url }: FakeRequest) =>
    method === "GET" && url === "/projects/shop/drift" ? { data: { drift: answer } } : undefined;
const section = (page: VueWrapper) => page.find("section[aria-labelledby=drift-heading]");
const labels = (page: VueWrapper) =>
  section(page)
    .findAll("button")
    .map((button) => button.text());
const button = (page: VueWrapper, label: string) =>
  section(page)
    .findAll("button")
    .find((candidate) => candidate.text() === label)!;

describe("the drift section", () => {
  it("shows what changed outside BabyHelm, per object and field: in the cluster → what BabyHelm deploys", async () => {
    const page = await open("viewer", always(DRIFTED));
    await eventually(() => expect(section(page).find("[data-testid=drift-state]").text()).toBe("drifted"));
    expect(section(page).find("[data-testid=drift-state]").classes()).toContain("degraded");
    expect(section(page).find("[data-testid=drift-message]").text()).toBe(DRIFTED.message);
    expect(section(page).find("[data-testid=drift-checked]").text()).toBe(`Checked ${new Date(CHECKED).toLocaleString()} against deployment #7. Checked automatically every hour.`);
    expect(section(page).find("[data-testid=drift-checked] time").attributes("datetime")).toBe(CHECKED);
    const step = section(page).find("[data-testid=plan-step]");
    expect(step.find("[data-testid=plan-resource]").text()).toBe("Deployment web");
    expect(section(page).find("[data-testid=plan-summary]").text()).toBe("1 to update · fields: in the cluster → what BabyHelm deploys");
    const values = step
      .findAll("li[data-field]")
      .map((field) => [field.attributes("data-field"), field.find("[data-testid=field-before]").text(), field.find("[data-testid=field-after]").text()]);
    expect(values).toEqual([
      ["spec.replicas", "5", "1"],
      ["spec.template.spec.containers[0].image", "nginx:edited", "nginx:1.27"],
    ]);
    expect(section(page).find("[data-testid=drift-keep-hint]").text()).toContain("To keep a change instead, edit the app so that BabyHelm deploys it.");
    // A viewer reads it all and presses nothing.
    expect(labels(page)).toEqual([]);
  });

  it.each(["developer", "owner"] as const)("offers a %s to put the cluster back, or to check again", async (role) => {
    const page = await open(role, always(DRIFTED));
    await eventually(() => expect(labels(page)).toEqual(["Put the cluster back", "Check now"]));
  });

  it("puts the cluster back with a deploy that reads it first, followed in the history", async () => {
    const page = await open("developer", (request) => {
      if (request.method === "POST" && request.url === "/projects/shop/deployments") {
        return { status: 202, data: { deployment: { id: "10", kind: "up", status: "queued", refresh: true, createdAt: "2030-01-01T12:00:00Z", finishedAt: null } } };
      }
      return always(DRIFTED)(request);
    });
    await eventually(() => expect(labels(page)).toContain("Put the cluster back"));
    await button(page, "Put the cluster back").trigger("click");
    await eventually(() => expect(section(page).find("[data-testid=drift-put-back]").exists()).toBe(true));
    expect(fake!.requests.filter((request) => request.method === "POST" && request.url === "/projects/shop/deployments").map((request) => request.body)).toEqual([
      { refresh: true },
    ]);
    const history = page.find("section[aria-labelledby=deployments-heading] li[data-deployment='10']");
    expect(history.find("[data-testid=refresh]").text()).toBe("with refresh");
    expect(history.find("button").attributes("aria-pressed")).toBe("true");
  });

  it("checks on demand and follows the check while it waits and runs", async () => {
    let checked = false;
    const reads: Drift[] = [
      drift({ pending: { id: "11", status: "queued" } }),
      drift({ pending: { id: "11", status: "running" } }),
      drift({ checkId: "11", checkedAt: "2030-01-01T12:00:05Z" }),
    ];
    let read = 0;
    const page = await open("developer", ({ method, url, params }) => {
      if (method === "GET" && url === "/projects/shop/drift") return { data: { drift: checked ? reads[Math.min(read++, reads.length - 1)] : drift({}) } };
      if (method === "POST" && url === "/projects/shop/drift") {
        expect(params).toEqual({ wait: "0" });
        checked = true;
        return { status: 202, data: { check: { id: "11", kind: "drift", status: "queued", createdAt: "2030-01-01T12:00:00Z", finishedAt: null } } };
      }
      return undefined;
    });
    await eventually(() => expect(section(page).find("[data-testid=drift-state]").text()).toBe("in sync"));
    expect(labels(page)).toEqual(["Check now"]);
    expect(section(page).find("[data-testid=plan]").exists()).toBe(false);
    expect(section(page).find("[data-testid=drift-keep-hint]").exists()).toBe(false);

    await button(page, "Check now").trigger("click");
    await eventually(() => expect(section(page).find("[role=status]").text()).toBe("A check is queued behind the project's deployments…"));
    expect(button(page, "Check now").attributes("disabled")).toBeDefined();
    await eventually(() => expect(section(page).find("[role=status]").text()).toBe("Checking the cluster…"), 5_000);
    await eventually(() => expect(section(page).find("[data-testid=drift-checked]").text()).toContain(new Date("2030-01-01T12:00:05Z").toLocaleString()), 5_000);
    expect(section(page).find("[role=status]").exists()).toBe(false);
    expect(button(page, "Check now").attributes("disabled")).toBeUndefined();
    expect(fake!.count("POST", "/projects/shop/drift")).toBe(1);
    // No more reading once the check has ended.
    const settled = fake!.count("GET", "/projects/shop/drift");
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(fake!.count("GET", "/projects/shop/drift")).toBe(settled);
  });

  it("cannot check a project never deployed, and says why a check did not finish", async () => {
    const notDeployed = await open(
      "owner",
      always(
        drift({
          state: "not_deployed",
          message: "The project has no successful deployment to compare the cluster with.",
          checkId: null,
          checkedAt: null,
          against: null,
          intervalMs: 0,
        }),
      ),
    );
    await eventually(() => expect(section(notDeployed).find("[data-testid=drift-state]").text()).toBe("not deployed"));
    expect(section(notDeployed).find("[data-testid=drift-checked]").text()).toBe("Checked on demand only.");
    expect(button(notDeployed, "Check now").attributes("disabled")).toBeDefined();
    notDeployed.unmount();
    fake!.restore();

    const unknown = await open(
      "developer",
      always(drift({ state: "unknown", message: "The last check did not finish; check again.", error: "the engine stopped: connection refused", intervalMs: 30 * 60_000 })),
    );
    await eventually(() => expect(section(unknown).find("[data-testid=drift-state]").text()).toBe("unknown"));
    expect(section(unknown).find("[data-testid=drift-check-error]").text()).toBe("the engine stopped: connection refused");
    expect(section(unknown).find("[data-testid=drift-checked]").text()).toContain("Checked automatically every 30 minutes.");
    expect(labels(unknown)).toEqual(["Check now"]);
  });

  it("reads a check the page did not ask for that is already pending, until it ends", async () => {
    let read = 0;
    const page = await open("viewer", ({ method, url }) =>
      method === "GET" && url === "/projects/shop/drift"
        ? { data: { drift: read++ === 0 ? drift({ state: "unchecked", checkId: null, checkedAt: null, pending: { id: "12", status: "running" } }) : DRIFTED } }
        : undefined,
    );
    await eventually(() => expect(section(page).find("[role=status]").text()).toBe("Checking the cluster…"));
    expect(section(page).find("[data-testid=drift-state]").text()).toBe("not checked yet");
    await eventually(() => expect(section(page).find("[data-testid=drift-state]").text()).toBe("drifted"), 5_000);
  });

  it("says so in a line when the drift cannot be read", async () => {
    const page = await open("developer", ({ url }) =>
      url === "/projects/shop/drift" ? { status: 500, data: { error: { code: "internal", message: "Something went wrong on our side." } } } : undefined,
    );
    await eventually(() => expect(section(page).find("[data-testid=drift-error]").text()).toBe("The drift cannot be read: Something went wrong on our side."));
    expect(labels(page)).toEqual([]);
  });
});
