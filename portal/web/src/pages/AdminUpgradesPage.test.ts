// @vitest-environment happy-dom
/**
 * The admin's platform upgrade page, from answers given to the axios client (the real rollout, against the
 * local cluster, is the server's test): the SDK version; the projects a redeploy would change with their
 * objects and fields before → after, the others in a line; choosing the projects, the canary and the
 * concurrency, and the body sent only once the dialog is confirmed; a 400 shown at its field; the progress
 * read every 2 s, through to a rollout stopped by a failure with the rest skipped; past rollouts; and the
 * route and the shell's link for platform admins only.
 */
import type { Upgrade, UpgradeCandidate, UpgradePlan, UpgradeProject, User } from "@babyhelm/sdk/api";
import { flushPromises, mount, type VueWrapper } from "@vue/test-utils";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createMemoryHistory } from "vue-router";
import AppShell from "../components/AppShell.vue";
import { UPGRADE_POLL_MS } from "../composables/useUpgrades.js";
import { createAppRouter } from "../router.js";
import { freshPinia, mountPage } from "../test-support.js";
import { fakeApi, type FakeAnswer, type FakeRequest } from "../test-fakes.js";
import AdminUpgradesPage from "./AdminUpgradesPage.vue";

const ingressClass = (project: string): UpgradeCandidate => ({
  project,
  deploymentId: `${project.length}0`,
  deployedWith: "0.9.0",
  changed: true,
  changes: [{ object: `Ingress ${project}/web`, op: "changed", changes: [{ path: "spec.ingressClassName", before: "nginx", after: "traefik" }] }],
});

const CANDIDATES: UpgradeCandidate[] = [
  {
    project: "blog",
    deploymentId: "41",
    deployedWith: "0.9.0",
    changed: true,
    changes: [
      {
        object: "Ingress blog/web",
        op: "changed",
        changes: [
          { path: "spec.ingressClassName", before: "nginx", after: "traefik" },
          { path: "metadata.annotations", after: { "babyhelm.dev/tier": "public" } },
        ],
      },
      { object: "NetworkPolicy blog/default-deny", op: "added", changes: [] },
    ],
  },
  { ...ingressClass("docs"), deployedWith: null },
  ingressClass("shop"),
  ...Array.from({ length: 12 }, (_, index): UpgradeCandidate => ({
    project: `quiet-${index}`,
    deploymentId: String(100 + index),
    deployedWith: "1.0.0",
    changed: false,
    changes: [],
  })),
];

const entry = (project: string, overrides: Partial<UpgradeProject> = {}): UpgradeProject => ({
  project,
  projectId: `p-${project}`,
  canary: false,
  status: "pending",
  deploymentId: null,
  error: null,
  ...overrides,
});

const upgrade = (overrides: Partial<Upgrade> = {}): Upgrade => ({
  id: "7",
  status: "running",
  concurrency: 2,
  error: null,
  projects: [entry("shop", { canary: true }), entry("blog")],
  createdAt: "2030-01-01T10:00:00Z",
  finishedAt: null,
  ...overrides,
});

const PAST = upgrade({
  id: "3",
  status: "succeeded",
  projects: [entry("blog", { canary: true, status: "succeeded", deploymentId: "30" })],
  createdAt: "2029-12-01T10:00:00Z",
  finishedAt: "2029-12-01T10:02:00Z",
});

const planOf = (overrides: Partial<UpgradePlan> = {}): UpgradePlan => ({ sdkVersion: "1.0.0", projects: CANDIDATES, rollouts: [PAST], ...overrides });

let fake: ReturnType<typeof fakeApi> | undefined;
let wrapper: VueWrapper | undefined;
afterEach(() => {
  wrapper?.unmount();
  wrapper = undefined;
  fake?.restore();
  vi.useRealTimers();
  document.body.innerHTML = "";
});

async function open(answer: (request: FakeRequest) => FakeAnswer | undefined) {
  fake = fakeApi(answer);
  ({ wrapper } = await mountPage(AdminUpgradesPage, "/admin/upgrades", freshPinia()));
  return wrapper;
}

const row = (page: VueWrapper, project: string) => page.find(`[data-testid=upgrade-candidates] tr[data-project="${project}"]`);
const rollOutButton = (page: VueWrapper) => page.find("[data-testid=roll-out]");
const dialog = (page: VueWrapper) => page.find("dialog[aria-label='Roll out the upgrade?']");
const confirmButton = (page: VueWrapper) =>
  dialog(page)
    .findAll("button")
    .find((button) => button.text() === "Roll out")!;
const progress = (page: VueWrapper) =>
  page.findAll("[data-testid=current-rollout] tbody tr").map((tr) => ({
    project: tr.attributes("data-project"),
    canary: tr.find("[data-testid=canary-tag]").exists(),
    status: tr.find("[data-testid=project-status]").text(),
    deployment: tr.find("[data-testid=deployment-link]").exists()
      ? `${tr.find("[data-testid=deployment-link]").text()} → ${tr.find("[data-testid=deployment-link]").attributes("href")}`
      : null,
    error: tr.find("[data-testid=project-error]").exists() ? tr.find("[data-testid=project-error]").text() : null,
  }));

describe("the platform upgrades page", () => {
  it("names the projects this portal cannot render any more, apart from the unchanged ones", async () => {
    const broken: UpgradeCandidate = {
      project: "legacy",
      deploymentId: "5",
      deployedWith: "0.9.0",
      changed: false,
      changes: [],
      problem: 'apps[0].image: "nginx:::" is not a valid image reference',
    };
    const page = await open(({ method, url }) => (method === "GET" && url === "/admin/upgrades" ? { data: { ...planOf(), projects: [...CANDIDATES, broken] } } : undefined));
    expect(page.find("[data-testid=unrenderable]").text()).toBe(
      'legacy cannot be upgraded: this portal cannot render its last deployment (apps[0].image: "nginx:::" is not a valid image reference). Fix its spec and deploy it first.',
    );
    expect(page.find("[data-testid=unchanged-summary]").text()).toBe("12 projects are deployed as this portal renders them.");
    expect(row(page, "legacy").exists()).toBe(false);
  });

  it("lists the projects a redeploy would change, with every changed object and field, and the others in a line", async () => {
    const page = await open(({ method, url }) => (method === "GET" && url === "/admin/upgrades" ? { data: planOf() } : undefined));
    expect(page.find("h1").text()).toBe("Platform upgrades");
    expect(page.find("[data-testid=sdk-version]").text()).toBe("This portal renders with SDK 1.0.0.");
    expect(page.findAll("[data-testid=upgrade-candidates] tbody tr[data-project]").map((tr) => tr.attributes("data-project"))).toEqual(["blog", "docs", "shop"]);
    expect(row(page, "blog").find("[data-testid=deployed-with]").text()).toBe("0.9.0");
    expect(row(page, "docs").find("[data-testid=deployed-with]").text()).toBe("not recorded");
    expect(row(page, "blog").find("[data-testid=change-summary]").text()).toBe("2 objects: 1 to create, 1 to update");
    expect(row(page, "shop").find("[data-testid=change-summary]").text()).toBe("1 object: 1 to update");
    expect(row(page, "shop").find("a").attributes("href")).toBe("/projects/shop");
    expect(page.find("[data-testid=unchanged-summary]").text()).toBe("12 projects are deployed as this portal renders them.");
    expect(page.text()).not.toContain("quiet-0");

    // The objects and fields, on demand: the last deployment's render → this portal's.
    expect(page.find("tr[data-changes=blog]").exists()).toBe(false);
    const toggle = row(page, "blog").find("[data-testid=toggle-changes]");
    expect(toggle.attributes("aria-expanded")).toBe("false");
    await toggle.trigger("click");
    expect(toggle.attributes("aria-expanded")).toBe("true");
    expect(toggle.text()).toBe("Hide changes");
    const changes = page.find("tr[data-changes=blog]");
    expect(changes.findAll("[data-testid=plan-step]").map((step) => `${step.find("[data-testid=plan-op]").text()} ${step.find("[data-testid=plan-resource]").text()}`)).toEqual([
      "update Ingress blog/web",
      "create NetworkPolicy blog/default-deny",
    ]);
    const fields = changes
      .findAll("li[data-field]")
      .map((field) => [field.attributes("data-field"), field.find("[data-testid=field-before]").text(), field.find("[data-testid=field-after]").text()]);
    expect(fields).toEqual([
      ["spec.ingressClassName", "nginx", "traefik"],
      ["metadata.annotations", "unset", '{"babyhelm.dev/tier":"public"}'],
    ]);
    expect(changes.find("[data-testid=plan-summary]").text()).toBe("1 to create, 1 to update · fields: deployed → this portal renders");
    await toggle.trigger("click");
    expect(page.find("tr[data-changes=blog]").exists()).toBe(false);

    // Past rollouts, each one's projects on demand.
    const past = page.find("[data-testid=past-rollouts] li[data-upgrade='3']");
    expect(past.find("[data-testid=past-summary]").text()).toBe("1 of 1 upgraded");
    expect(past.find(".badge").text()).toBe("succeeded");
    await past.find("[data-testid=toggle-past]").trigger("click");
    expect(past.find("tr[data-project=blog] [data-testid=deployment-link]").text()).toBe("deployment #30");
    expect(page.find("[data-testid=current-rollout]").exists()).toBe(false);
  });

  it("says so when no project would change, and offers no rollout", async () => {
    const page = await open(({ url }) =>
      url === "/admin/upgrades" ? { data: planOf({ projects: CANDIDATES.filter((candidate) => !candidate.changed).slice(0, 1), rollouts: [] }) } : undefined,
    );
    expect(page.find("[data-testid=nothing-to-upgrade]").text()).toBe("No project would change with a redeploy: every deployed project is deployed as this portal renders it.");
    expect(page.find("[data-testid=unchanged-summary]").text()).toBe("1 project is deployed as this portal renders it.");
    expect(rollOutButton(page).exists()).toBe(false);
    expect(page.find("[data-testid=past-rollouts]").exists()).toBe(false);
  });

  it("sends the chosen projects, canary and concurrency, and only once the dialog is confirmed", async () => {
    const page = await open(({ method, url }) => {
      if (method === "GET" && url === "/admin/upgrades") return { data: planOf() };
      if (method === "POST" && url === "/admin/upgrades") return { status: 202, data: { upgrade: upgrade() } };
      if (method === "GET" && url === "/admin/upgrades/7") return { data: { upgrade: upgrade() } };
      return undefined;
    });
    // Every changed project is ticked, the first is the canary.
    const included = () => page.findAll("[data-testid=include]").map((input) => (input.element as HTMLInputElement).checked);
    const canaryOf = () =>
      page
        .findAll("tr[data-project]")
        .find((tr) => (tr.find("[data-testid=canary]").element as HTMLInputElement).checked)
        ?.attributes("data-project");
    expect(included()).toEqual([true, true, true]);
    expect(canaryOf()).toBe("blog");
    expect(rollOutButton(page).text()).toBe("Roll out to 3 projects");

    // Unticking the canary hands the role on; an unticked project cannot be the canary.
    await row(page, "blog").find("[data-testid=include]").setValue(false);
    expect(canaryOf()).toBe("docs");
    expect(row(page, "blog").find("[data-testid=canary]").attributes("disabled")).toBeDefined();
    await row(page, "shop").find("[data-testid=canary]").setValue(true);
    expect(canaryOf()).toBe("shop");
    await page.find("input[name=concurrency]").setValue("3");
    expect(rollOutButton(page).text()).toBe("Roll out to 2 projects");

    await page.find("form.upgrade-form").trigger("submit");
    expect(dialog(page).find("[data-testid=confirm-text]").text()).toBe(
      "2 projects are redeployed with SDK 1.0.0. The canary, shop, goes first and alone; once it has succeeded, the other follows.",
    );
    expect(dialog(page).text()).toContain("The first failure stops the rollout: the projects not yet started are skipped and stay as they are deployed.");
    // Cancelled: nothing is sent.
    await dialog(page)
      .findAll("button")
      .find((button) => button.text() === "Cancel")!
      .trigger("click");
    expect(fake!.count("POST", "/admin/upgrades")).toBe(0);

    await page.find("form.upgrade-form").trigger("submit");
    await confirmButton(page).trigger("click");
    await flushPromises();
    const posted = fake!.requests.filter((request) => request.method === "POST");
    expect(posted.map((request) => request.body)).toEqual([{ projects: ["docs", "shop"], canary: "shop", concurrency: 3 }]);
    expect(page.find("[data-testid=current-rollout] h2").text()).toBe("Rollout #7");
    // While it runs, no second rollout can be started from here.
    expect(rollOutButton(page).attributes("disabled")).toBeDefined();
    expect(page.find("[data-testid=rollout-running-note]").exists()).toBe(true);
  });

  it("shows the portal's refusal at the field it names", async () => {
    const page = await open(({ method, url }) => {
      if (method === "GET" && url === "/admin/upgrades") return { data: planOf({ rollouts: [] }) };
      if (method === "POST" && url === "/admin/upgrades") {
        return {
          status: 400,
          data: {
            error: {
              code: "invalid_request",
              message: "The request is not valid.",
              details: [
                { path: "projects[1]", message: 'a redeploy would not change "docs"; leave it out' },
                { path: "concurrency", message: "must be at most 10" },
              ],
            },
          },
        };
      }
      return undefined;
    });
    await page.find("input[name=concurrency]").setValue("11");
    await page.find("form.upgrade-form").trigger("submit");
    await confirmButton(page).trigger("click");
    await flushPromises();
    expect(fake!.requests.find((request) => request.method === "POST")!.body).toEqual({ projects: ["blog", "docs", "shop"], canary: "blog", concurrency: 11 });

    expect(row(page, "docs").find("[data-testid=project-problem]").text()).toBe('a redeploy would not change "docs"; leave it out');
    expect(row(page, "docs").classes()).toContain("invalid");
    expect(row(page, "blog").find("[data-testid=project-problem]").exists()).toBe(false);
    const concurrency = page.find("input[name=concurrency]");
    expect(concurrency.attributes("aria-invalid")).toBe("true");
    expect(page.find(`#${concurrency.attributes("id")}-error`).text()).toBe("must be at most 10");
    expect(page.find(".banner.error").text()).toBe("The rollout was not started: please correct the fields marked below.");
    expect(page.find("[data-testid=current-rollout]").exists()).toBe(false);

    // An empty concurrency is caught before anything is sent.
    await concurrency.setValue("");
    await page.find("form.upgrade-form").trigger("submit");
    await confirmButton(page).trigger("click");
    await flushPromises();
    expect(fake!.count("POST", "/admin/upgrades")).toBe(1);
    expect(page.find(`#${concurrency.attributes("id")}-error`).text()).toBe("must be a whole number");
  });

  it("reads the progress every 2 s while the rollout runs, through to its stop at a failure with the rest skipped", async () => {
    vi.useFakeTimers();
    const steps: Upgrade[] = [
      upgrade({ projects: [entry("shop", { canary: true, status: "deploying", deploymentId: "50" }), entry("blog"), entry("docs")] }),
      upgrade({
        projects: [
          entry("shop", { canary: true, status: "succeeded", deploymentId: "50" }),
          entry("blog", { status: "deploying", deploymentId: "51" }),
          entry("docs", { status: "deploying", deploymentId: "52" }),
        ],
      }),
      upgrade({
        status: "failed",
        error: "Stopped: blog failed (the rollout of web timed out); the projects after it were not upgraded.",
        finishedAt: "2030-01-01T10:05:00Z",
        projects: [
          entry("shop", { canary: true, status: "succeeded", deploymentId: "50" }),
          entry("blog", { status: "failed", deploymentId: "51", error: "the rollout of web timed out" }),
          entry("docs", { status: "succeeded", deploymentId: "52" }),
          entry("wiki", { status: "skipped" }),
        ],
      }),
    ];
    let step = 0;
    let listed = planOf();
    const page = await open(({ method, url }) => {
      if (method === "GET" && url === "/admin/upgrades") return { data: listed };
      if (method === "POST" && url === "/admin/upgrades")
        return { status: 202, data: { upgrade: upgrade({ projects: [entry("shop", { canary: true }), entry("blog"), entry("docs")] }) } };
      if (method === "GET" && url === "/admin/upgrades/7") return { data: { upgrade: steps[step] } };
      return undefined;
    });
    await vi.advanceTimersByTimeAsync(0);
    await row(page, "shop").find("[data-testid=canary]").setValue(true);
    await page.find("form.upgrade-form").trigger("submit");
    await confirmButton(page).trigger("click");
    await vi.advanceTimersByTimeAsync(0);

    const current = () => page.find("[data-testid=current-rollout]");
    expect(current().find(".badge").text()).toBe("running");
    expect(current().find("[data-testid=rollout-state]").text()).toBe("Upgrading the canary, shop, alone; the others follow once it has succeeded.");
    expect(progress(page).map(({ project, canary, status }) => [project, canary, status])).toEqual([
      ["shop", true, "waiting"],
      ["blog", false, "waiting"],
      ["docs", false, "waiting"],
    ]);
    expect(fake!.count("GET", "/admin/upgrades/7")).toBe(0);

    await vi.advanceTimersByTimeAsync(UPGRADE_POLL_MS);
    expect(fake!.count("GET", "/admin/upgrades/7")).toBe(1);
    expect(progress(page)[0]).toEqual({ project: "shop", canary: true, status: "deploying", deployment: "deployment #50 → /projects/shop", error: null });
    expect(current().find("[data-testid=rollout-summary]").text()).toBe("0 of 3 upgraded · 1 deploying · 2 waiting");

    step = 1;
    await vi.advanceTimersByTimeAsync(UPGRADE_POLL_MS);
    expect(current().find("[data-testid=rollout-state]").text()).toBe("Upgrading the others, 2 at a time; the first failure stops the rollout.");
    expect(progress(page).map(({ status }) => status)).toEqual(["upgraded", "deploying", "deploying"]);

    // Stopped: blog failed, wiki was never started; the plan is read again, and then nothing more.
    step = 2;
    listed = planOf({ projects: CANDIDATES.filter((candidate) => candidate.project !== "shop" && candidate.project !== "docs"), rollouts: [steps[2]!, PAST] });
    await vi.advanceTimersByTimeAsync(UPGRADE_POLL_MS);
    expect(current().find(".badge").text()).toBe("failed");
    expect(current().find("[data-testid=rollout-state]").text()).toBe("Stopped: blog failed (the rollout of web timed out); the projects after it were not upgraded.");
    expect(current().find("[data-testid=rollout-state]").attributes("role")).toBe("alert");
    expect(current().find("[data-testid=rollout-summary]").text()).toBe("2 of 4 upgraded · 1 failed · 1 skipped");
    expect(progress(page)).toEqual([
      { project: "shop", canary: true, status: "upgraded", deployment: "deployment #50 → /projects/shop", error: null },
      { project: "blog", canary: false, status: "failed", deployment: "deployment #51 → /projects/blog", error: "the rollout of web timed out" },
      { project: "docs", canary: false, status: "upgraded", deployment: "deployment #52 → /projects/docs", error: null },
      { project: "wiki", canary: false, status: "skipped", deployment: null, error: "Not started: the rollout stopped first." },
    ]);
    expect(current().find("tr[data-project=wiki] .badge").classes()).toEqual(["badge", "none"]);
    expect(current().find("tr[data-project=blog] .badge").classes()).toContain("failed");
    expect(fake!.count("GET", "/admin/upgrades")).toBe(2);
    expect(page.findAll("[data-testid=upgrade-candidates] tbody tr[data-project]").map((tr) => tr.attributes("data-project"))).toEqual(["blog"]);
    expect(rollOutButton(page).attributes("disabled")).toBeUndefined();
    // The finished rollout is the one shown above, not again among the past ones.
    expect(page.findAll("[data-testid=past-rollouts] li").map((li) => li.attributes("data-upgrade"))).toEqual(["3"]);
    await vi.advanceTimersByTimeAsync(UPGRADE_POLL_MS * 5);
    expect(fake!.count("GET", "/admin/upgrades/7")).toBe(3);
  });

  it("follows a rollout already running when the page opens, and keeps the last progress when a read fails", async () => {
    vi.useFakeTimers();
    let fail = true;
    const running = upgrade({ projects: [entry("shop", { canary: true, status: "deploying", deploymentId: "50" }), entry("blog")] });
    const page = await open(({ method, url }) => {
      if (method === "GET" && url === "/admin/upgrades") return { data: planOf({ rollouts: [running, PAST] }) };
      if (method === "GET" && url === "/admin/upgrades/7") {
        return fail
          ? { status: 503, data: { error: { code: "unavailable", message: "The portal is restarting." } } }
          : {
              data: {
                upgrade: upgrade({
                  projects: [entry("shop", { canary: true, status: "succeeded", deploymentId: "50" }), entry("blog", { status: "deploying", deploymentId: "51" })],
                }),
              },
            };
      }
      return undefined;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(progress(page).map(({ status }) => status)).toEqual(["deploying", "waiting"]);
    expect(rollOutButton(page).attributes("disabled")).toBeDefined();
    expect((page.find("[data-testid=include]").element as HTMLInputElement).disabled).toBe(true);

    await vi.advanceTimersByTimeAsync(UPGRADE_POLL_MS);
    expect(page.find("[data-testid=poll-error]").text()).toBe("Could not refresh the progress: The portal is restarting. Trying again.");
    expect(progress(page).map(({ status }) => status)).toEqual(["deploying", "waiting"]);

    fail = false;
    await vi.advanceTimersByTimeAsync(UPGRADE_POLL_MS);
    expect(page.find("[data-testid=poll-error]").exists()).toBe(false);
    expect(progress(page).map(({ status }) => status)).toEqual(["upgraded", "deploying"]);
  });

  it("shows a 409 in the banner and reads the page again", async () => {
    let rollouts: Upgrade[] = [];
    const page = await open(({ method, url }) => {
      if (method === "GET" && url === "/admin/upgrades") return { data: planOf({ rollouts }) };
      if (method === "POST" && url === "/admin/upgrades") {
        rollouts = [upgrade({ id: "8", projects: [entry("docs", { canary: true, status: "deploying", deploymentId: "60" })] })];
        return { status: 409, data: { error: { code: "upgrade_running", message: "Another upgrade is rolling out; wait for it to finish." } } };
      }
      if (url === "/admin/upgrades/8") return { data: { upgrade: rollouts[0] } };
      return undefined;
    });
    await page.find("form.upgrade-form").trigger("submit");
    await confirmButton(page).trigger("click");
    await flushPromises();
    expect(page.find(".banner.error").text()).toBe("Another upgrade is rolling out; wait for it to finish.");
    expect(page.find("[data-testid=current-rollout]").attributes("data-upgrade")).toBe("8");
  });
});

describe("the platform upgrades route", () => {
  const user = (isAdmin: boolean): User => ({ id: "1", email: "ada@example.com", name: "Ada", emailConfirmed: true, isAdmin, createdAt: "2030-01-01T00:00:00Z" });

  async function visit(me: User | null) {
    fake = fakeApi(({ url }) => {
      if (url === "/me") return me ? { data: { user: me } } : { status: 401, data: { error: { code: "unauthenticated", message: "Log in first." } } };
      if (url === "/admin/upgrades") return { data: planOf() };
      if (url === "/projects") return { data: { items: [] } };
      return undefined;
    });
    const pinia = freshPinia();
    const router = createAppRouter(createMemoryHistory());
    await router.push("/admin/upgrades");
    await router.isReady();
    wrapper = mount(AppShell, { global: { plugins: [pinia, router] }, attachTo: document.body });
    await flushPromises();
    return { router, nav: () => wrapper!.findAll("nav a").map((link) => link.text()) };
  }

  it("sends anyone but a platform admin to their projects, and shows the link to admins only", async () => {
    const member = await visit(user(false));
    expect(member.router.currentRoute.value.name).toBe("projects");
    expect(member.nav()).toEqual(["Projects", "Account"]);
    expect(fake!.count("GET", "/admin/upgrades")).toBe(0);
    wrapper!.unmount();
    fake!.restore();

    const admin = await visit(user(true));
    expect(admin.router.currentRoute.value.name).toBe("admin-upgrades");
    expect(admin.nav()).toEqual(["Projects", "Upgrades", "Account"]);
    expect(wrapper!.find("nav a[href='/admin/upgrades']").exists()).toBe(true);
    wrapper!.unmount();
    fake!.restore();

    const visitor = await visit(null);
    expect(visitor.router.currentRoute.value.name).toBe("login");
    expect(visitor.router.currentRoute.value.query.redirect).toBe("/admin/upgrades");
  });
});
