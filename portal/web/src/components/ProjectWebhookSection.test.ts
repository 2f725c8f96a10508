// @vitest-environment happy-dom
/**
 * The webhook setting on the project page, from the portal's answers given to the axios client: owners see
 * the URL or "none", set and replace it (checked in the browser first, the API's problems at the field),
 * get the signing secret once, with a copy button, and never again after leaving the page or reloading the
 * section; Remove asks first. Developers and viewers get no such section and never ask for the webhook
 * (the API answers 403 to them). The API's own side is in portal/server/src/status/real-alerts.test.ts.
 */
import type { Project, Role } from "@babyhelm/sdk/api";
import type { VueWrapper } from "@vue/test-utils";
import { defineComponent, h } from "vue";
import { RouterView } from "vue-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import { eventually, freshPinia, mountPage } from "../test-support.js";
import { fakeApi, projectFixture, projectStatus, type FakeRequest } from "../test-fakes.js";

const URL_SET = "https://hooks.example.com/babyhelm";
const SECRET = "whsec_3q2-7wAbCdEfGhIjKlMnOpQrStUvWxYz";

function project(role: Role): Project {
  return projectFixture(role, {
    name: "shop",
    displayName: "Shop",
    role,
    quota: { cpu: "2", memory: "4Gi", pods: 20 },
    monitoring: { dashboard: false },
    deployed: false,
    apps: [],
    lastDeployment: null,
  });
}

let fake: ReturnType<typeof fakeApi> | undefined;
let wrapper: VueWrapper | undefined;
afterEach(() => {
  wrapper?.unmount();
  wrapper = undefined;
  fake?.restore();
  vi.restoreAllMocks();
});

/** The portal as far as the project page asks it; the webhook kept like the API keeps it, a new secret on every PUT. */
function portal(role: Role, options: { webhook?: string | null; refuse?: (request: FakeRequest) => { status: number; data: unknown } | undefined } = {}) {
  let stored = options.webhook ?? null;
  let secrets = 0;
  const bodies: unknown[] = [];
  fake = fakeApi((request) => {
    const { method, url } = request;
    if (method === "GET" && url === "/projects") return { data: { items: [] } };
    if (method === "GET" && url === "/projects/shop") return { data: { project: project(role) } };
    if (method === "GET" && (url === "/projects/shop/deployments" || url === "/projects/shop/members")) return { data: { items: [] } };
    if (method === "GET" && url === "/projects/shop/status")
      return { data: projectStatus({ deployed: false, health: "missing", message: "The project has not been deployed yet." }) };
    if (method === "GET" && url === "/projects/shop/alerts") return { data: { items: [] } };
    if (method === "GET" && url === "/projects/shop/metrics") return { status: 503, data: { error: { code: "metrics_not_configured", message: "No Prometheus." } } };
    if (url !== "/projects/shop/webhook") return undefined;
    if (role !== "owner") return { status: 403, data: { error: { code: "forbidden", message: "Only owners can do that." } } };
    if (method === "GET") return { data: { webhook: stored ? { url: stored } : null } };
    if (method === "DELETE") {
      stored = null;
      return { status: 204, data: "" };
    }
    const body = request.body as { url: string };
    bodies.push(body);
    const refused = options.refuse?.(request);
    if (refused) return refused;
    stored = body.url;
    secrets += 1;
    return { data: { webhook: { url: stored, secret: secrets === 1 ? SECRET : `${SECRET}-${secrets}` } } };
  });
  return { bodies, stored: () => stored };
}

// The page inside a RouterView, so the spec can leave it and come back as a person would.
const Root = defineComponent({ render: () => h(RouterView) });

async function open(role: Role, options: Parameters<typeof portal>[1] = {}) {
  const state = portal(role, options);
  const mounted = await mountPage(Root, "/projects/shop", freshPinia());
  wrapper = mounted.wrapper;
  await eventually(() => expect(wrapper!.find("h1").text()).toBe("Shop"));
  return { ...state, router: mounted.router, page: wrapper };
}

const section = (page: VueWrapper) => page.find("section[aria-labelledby=webhook-heading]");
const urlShown = (page: VueWrapper) => section(page).find("[data-testid=webhook-url]").text();
const field = (page: VueWrapper) => section(page).find("input[type=url]");
const fieldError = (page: VueWrapper) => section(page).find(".field .error");
const button = (page: VueWrapper, text: string) =>
  section(page)
    .findAll("button")
    .find((candidate) => candidate.text() === text);
async function save(page: VueWrapper, url: string) {
  await field(page).setValue(url);
  await section(page).find("form").trigger("submit");
}

describe("the webhook setting", () => {
  it("is an owner's: shows none, sets a URL, and shows the new secret once with a copy button", async () => {
    const { page, bodies } = await open("owner");
    await eventually(() => expect(urlShown(page)).toBe("none"));
    expect(fake!.count("GET", "/projects/shop/webhook")).toBe(1);
    expect(section(page).find("[data-testid=webhook-secret]").exists()).toBe(false);
    expect(button(page, "Remove")).toBeUndefined();
    // How to check a delivery: the headers, and what is signed.
    const verify = section(page).find("[data-testid=webhook-verify]").text();
    for (const expected of ["X-BabyHelm-Event", "app.degraded", "app.recovered", "X-BabyHelm-Timestamp", "X-BabyHelm-Signature: sha256=", "HMAC-SHA256", "<timestamp>.<body>"])
      expect(verify).toContain(expected);

    await save(page, `  ${URL_SET} `);
    await eventually(() => expect(section(page).find("[data-testid=webhook-secret]").exists()).toBe(true));
    expect(bodies).toEqual([{ url: URL_SET }]);
    expect(urlShown(page)).toBe(URL_SET);
    const shown = section(page).find("[data-testid=webhook-secret]");
    expect(shown.find("code").text()).toBe(SECRET);
    expect(shown.text()).toContain("it will not be shown again");

    const writeText = vi.spyOn(navigator.clipboard, "writeText").mockResolvedValue(undefined);
    await shown
      .findAll("button")
      .find((candidate) => candidate.text() === "Copy secret")!
      .trigger("click");
    await eventually(() => expect(shown.text()).toContain("Copied."));
    expect(writeText).toHaveBeenCalledWith(SECRET);
  });

  it("never shows the secret again: not after leaving the page, nor after the section is loaded anew", async () => {
    const { page, router } = await open("owner");
    await eventually(() => expect(urlShown(page)).toBe("none"));
    await save(page, URL_SET);
    await eventually(() => expect(page.text()).toContain(SECRET));

    await router.push("/projects");
    await eventually(() => expect(page.find("section[aria-labelledby=webhook-heading]").exists()).toBe(false));
    await router.push("/projects/shop");
    await eventually(() => expect(urlShown(page)).toBe(URL_SET));
    expect(page.find("[data-testid=webhook-secret]").exists()).toBe(false);
    expect(page.html()).not.toContain("whsec_");

    // A reload: a new page, a new store.
    page.unmount();
    ({ wrapper } = await mountPage(Root, "/projects/shop", freshPinia()));
    await eventually(() => expect(urlShown(wrapper!)).toBe(URL_SET));
    expect(wrapper.html()).not.toContain("whsec_");
  });

  it("replaces the URL with a new secret, the form filled with the one set", async () => {
    const { page, bodies } = await open("owner", { webhook: URL_SET });
    await eventually(() => expect(urlShown(page)).toBe(URL_SET));
    expect((field(page).element as HTMLInputElement).value).toBe(URL_SET);
    expect(section(page).text()).toContain("Saving makes a new secret; the old one stops working.");
    expect(button(page, "Replace webhook")).toBeDefined();
    await save(page, "https://hooks.example.com/v2");
    await eventually(() => expect(urlShown(page)).toBe("https://hooks.example.com/v2"));
    expect(bodies).toEqual([{ url: "https://hooks.example.com/v2" }]);
    expect(section(page).find("[data-testid=webhook-secret] code").text()).toBe(SECRET);
  });

  it("checks the URL in the browser first, showing the problem at the field without asking the portal", async () => {
    const { page, bodies } = await open("owner");
    await eventually(() => expect(urlShown(page)).toBe("none"));
    await save(page, "hooks.example.com/babyhelm");
    await eventually(() => expect(fieldError(page).exists()).toBe(true));
    expect(fieldError(page).text()).toBe("must be an absolute http or https URL, such as https://hooks.example.com/babyhelm");
    expect(field(page).attributes("aria-invalid")).toBe("true");
    expect(field(page).attributes("aria-describedby")).toContain(fieldError(page).attributes("id"));
    expect(fake!.count("PUT", "/projects/shop/webhook")).toBe(0);
    expect(bodies).toEqual([]);

    await save(page, "https://bot:hunter2@hooks.example.com/");
    await eventually(() => expect(fieldError(page).text()).toBe("must not carry a user or password: the signature proves the sender"));
    expect(fake!.count("PUT", "/projects/shop/webhook")).toBe(0);
    expect(urlShown(page)).toBe("none");
  });

  it("shows the portal's problem with the URL at the field", async () => {
    const { page } = await open("owner", {
      refuse: () => ({
        status: 400,
        data: { error: { code: "invalid_request", message: "The request is not valid.", details: [{ path: "url", message: "must be at most 2000 characters long" }] } },
      }),
    });
    await eventually(() => expect(urlShown(page)).toBe("none"));
    await save(page, "https://hooks.example.com/too-long-for-the-portal");
    await eventually(() => expect(fieldError(page).text()).toBe("must be at most 2000 characters long"));
    expect(fake!.count("PUT", "/projects/shop/webhook")).toBe(1);
    expect(section(page).find("[data-testid=webhook-secret]").exists()).toBe(false);
    expect(urlShown(page)).toBe("none");
  });

  it("removes the webhook after asking, and not on Cancel", async () => {
    const { page, stored } = await open("owner", { webhook: URL_SET });
    await eventually(() => expect(urlShown(page)).toBe(URL_SET));
    await button(page, "Remove")!.trigger("click");
    const dialog = section(page).find("dialog[aria-label='Remove the webhook?']");
    expect(dialog.text()).toContain(URL_SET);
    await dialog
      .findAll("button")
      .find((candidate) => candidate.text() === "Cancel")!
      .trigger("click");
    expect(fake!.count("DELETE", "/projects/shop/webhook")).toBe(0);

    await button(page, "Remove")!.trigger("click");
    await dialog
      .findAll("button")
      .find((candidate) => candidate.text() === "Remove webhook")!
      .trigger("click");
    await eventually(() => expect(urlShown(page)).toBe("none"));
    expect(fake!.count("DELETE", "/projects/shop/webhook")).toBe(1);
    expect(stored()).toBeNull();
    expect(button(page, "Remove")).toBeUndefined();
    expect((field(page).element as HTMLInputElement).value).toBe("");
  });

  it.each(["developer", "viewer"] as const)("is not there for a %s, who never asks for it", async (role) => {
    const { page } = await open(role);
    await eventually(() => expect(page.find("section[aria-labelledby=alerts-heading] [data-testid=alerts-empty]").exists()).toBe(true));
    expect(section(page).exists()).toBe(false);
    expect(page.text()).not.toContain("webhook");
    expect(fake!.requests.filter((request) => request.url.endsWith("/webhook"))).toEqual([]);
    expect(page.findAll(".banner.error")).toHaveLength(0);
  });
});
