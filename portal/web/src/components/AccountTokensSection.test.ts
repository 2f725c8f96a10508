// @vitest-environment happy-dom
/**
 * The personal access tokens on the account page, from the portal's answers given to the axios client: the
 * list shows each token's project ("all projects"), role ("your role") and expiry ("never", or expired);
 * a new token may be limited to one of the user's projects and a role and given an expiry (30 days unless
 * chosen otherwise), its secret shown once; the API's problems show at their field; Delete asks first. The
 * API's own side: portal/server/src/routes/tokens.test.ts.
 */
import type { ApiToken, ProjectListItem } from "@babyhelm/sdk/api";
import type { DOMWrapper, VueWrapper } from "@vue/test-utils";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import AccountPage from "../pages/AccountPage.vue";
import { eventually, freshPinia, mountPage } from "../test-support.js";
import { fakeApi, type FakeRequest } from "../test-fakes.js";

const NOW = new Date("2026-12-01T12:00:00Z");
const DAY = 86_400_000;

function listed(name: string, project: string | null): ProjectListItem {
  return {
    name,
    displayName: project,
    role: "owner",
    quota: { cpu: "1", memory: "1Gi", pods: 10 },
    appCount: 0,
    createdAt: NOW.toISOString(),
    expiresAt: null,
    lastDeployment: null,
  };
}

function token(fields: Partial<ApiToken> & { id: string; name: string }): ApiToken {
  return { prefix: `bh_${fields.id}abcde`, project: null, role: null, expiresAt: null, createdAt: NOW.toISOString(), lastUsedAt: null, ...fields };
}

let fake: ReturnType<typeof fakeApi> | undefined;
let wrapper: VueWrapper | undefined;
beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(NOW);
});
afterEach(() => {
  wrapper?.unmount();
  wrapper = undefined;
  fake?.restore();
  vi.useRealTimers();
});

/** The portal as far as the token section asks it; tokens kept as the API keeps them. */
function portal(initial: ApiToken[], refuse?: (request: FakeRequest) => { status: number; data: unknown } | undefined) {
  let tokens = [...initial];
  const created: unknown[] = [];
  fake = fakeApi((request) => {
    const { method, url } = request;
    if (method === "GET" && url === "/projects") return { data: { items: [listed("other", null), listed("shop", "Shop")] } };
    if (method === "GET" && url === "/me/tokens") return { data: { items: tokens } };
    if (method === "POST" && url === "/me/tokens") {
      created.push(request.body);
      const refused = refuse?.(request);
      if (refused) return refused;
      const body = request.body as { name: string; project: string | null; role: ApiToken["role"]; expiresInDays: number | null };
      const made = token({
        id: String(tokens.length + 10),
        name: body.name,
        project: body.project,
        role: body.role,
        expiresAt: body.expiresInDays ? new Date(NOW.getTime() + body.expiresInDays * DAY).toISOString() : null,
      });
      tokens = [...tokens, made];
      return { status: 201, data: { token: { ...made, token: "bh_secretsecretsecret" } } };
    }
    const removed = /^\/me\/tokens\/(\d+)$/.exec(url);
    if (method === "DELETE" && removed) {
      tokens = tokens.filter((candidate) => candidate.id !== removed[1]);
      return { status: 204, data: "" };
    }
    return undefined;
  });
  return { created };
}

async function open(initial: ApiToken[], refuse?: Parameters<typeof portal>[1]) {
  const state = portal(initial, refuse);
  ({ wrapper } = await mountPage(AccountPage, "/account", freshPinia()));
  await eventually(() => expect(section(wrapper!).find("table").exists() || section(wrapper!).text().includes("No tokens yet.")).toBe(true));
  return { ...state, page: wrapper };
}

const section = (page: VueWrapper) => page.find("section[aria-labelledby=tokens-heading]");
const rows = (page: VueWrapper) =>
  section(page)
    .findAll("tbody tr")
    .map((row) =>
      row
        .findAll("td")
        .slice(0, 5)
        .map((cell) => cell.text()),
    );
const field = (page: VueWrapper, label: string): DOMWrapper<HTMLElement> => {
  const labelled = section(page)
    .findAll("label")
    .find((candidate) => candidate.text() === label)!;
  return section(page).find(`#${labelled.attributes("for")}`);
};
/** Picks the option shown as `text` in the select labelled `label`. */
const choose = async (page: VueWrapper, label: string, text: string) => {
  const select = field(page, label);
  const index = select.findAll("option").findIndex((option) => option.text() === text);
  expect(index, `${label}: ${text}`).toBeGreaterThanOrEqual(0);
  (select.element as HTMLSelectElement).selectedIndex = index;
  await select.trigger("change");
};

describe("personal access tokens on the account page", () => {
  it("lists each token's project, role and expiry", async () => {
    const { page } = await open([
      token({ id: "1", name: "laptop" }),
      token({ id: "2", name: "ci", project: "shop", role: "developer", expiresAt: new Date(NOW.getTime() + 30 * DAY).toISOString() }),
      token({ id: "3", name: "old", project: "shop", role: "viewer", expiresAt: new Date(NOW.getTime() - DAY).toISOString() }),
    ]);
    await eventually(() => expect(rows(page)).toHaveLength(3));
    const [laptop, ci, old] = rows(page);
    expect(laptop).toEqual(["laptop", "bh_1abcde…", "all projects", "your role", "never"]);
    expect(ci!.slice(0, 4)).toEqual(["ci", "bh_2abcde…", "shop", "developer"]);
    expect(ci![4]).toBe(new Date(NOW.getTime() + 30 * DAY).toLocaleString());
    expect(old![4]).toBe(`expired ${new Date(NOW.getTime() - DAY).toLocaleString()}`);
  });

  it("creates a token for one of the user's projects, with a role and an expiry, and shows its secret once", async () => {
    const { page, created } = await open([]);
    await eventually(() =>
      expect(
        field(page, "Project")
          .findAll("option")
          .map((option) => option.text()),
      ).toEqual(["All projects", "other", "Shop (shop)"]),
    );
    await field(page, "New token's name").setValue("deploy shop");
    await choose(page, "Project", "Shop (shop)");
    await choose(page, "Role", "Developer (apps and deployments)");
    await choose(page, "Expires after", "90 days");
    await section(page).find("form").trigger("submit");
    await eventually(() => expect(created).toEqual([{ name: "deploy shop", project: "shop", role: "developer", expiresInDays: 90 }]));
    await eventually(() => expect(section(page).find("[data-testid=new-token]").text()).toBe("bh_secretsecretsecret"));
    await eventually(() => expect(rows(page)).toEqual([["deploy shop", "bh_10abcde…", "shop", "developer", new Date(NOW.getTime() + 90 * DAY).toLocaleString()]]));
    expect((field(page, "New token's name").element as unknown as HTMLInputElement).value).toBe("");
  });

  it("asks by default for all projects, the user's own role and 30 days, and may be told never", async () => {
    const { page, created } = await open([]);
    await field(page, "New token's name").setValue("laptop");
    await section(page).find("form").trigger("submit");
    await eventually(() => expect(created).toEqual([{ name: "laptop", project: null, role: null, expiresInDays: 30 }]));
    await field(page, "New token's name").setValue("forever");
    await choose(page, "Expires after", "Never");
    await section(page).find("form").trigger("submit");
    await eventually(() => expect(created[1]).toEqual({ name: "forever", project: null, role: null, expiresInDays: null }));
  });

  it("shows the API's problems at their field", async () => {
    const { page } = await open([], () => ({
      status: 400,
      data: {
        error: { code: "invalid_request", message: "role: too much", details: [{ path: "role", message: 'your role in "shop" is viewer; a token cannot do more than you' }] },
      },
    }));
    await field(page, "New token's name").setValue("too much");
    await section(page).find("form").trigger("submit");
    await eventually(() => expect(field(page, "Role").attributes("aria-describedby")).toMatch(/-error$/));
    expect(
      section(page)
        .find(`#${field(page, "Role").attributes("aria-describedby")}`)
        .text(),
    ).toBe('your role in "shop" is viewer; a token cannot do more than you');
    expect(section(page).find(".banner.error").text()).toBe("Please correct the fields marked below.");
  });

  it("deletes a token only once asked", async () => {
    const { page } = await open([token({ id: "1", name: "laptop" }), token({ id: "2", name: "ci", project: "shop" })]);
    await eventually(() => expect(rows(page)).toHaveLength(2));
    await section(page).findAll("tbody tr")[1]!.find("button").trigger("click");
    const dialog = section(page).find("dialog[aria-label='Delete this token?']");
    expect(dialog.text()).toContain("ci");
    await dialog
      .findAll("button")
      .find((candidate) => candidate.text() === "Delete token")!
      .trigger("click");
    await eventually(() => expect(rows(page).map((row) => row[0])).toEqual(["laptop"]));
    expect(fake!.count("DELETE", "/me/tokens/2")).toBe(1);
  });
});
