// @vitest-environment happy-dom
/** The forms in happy-dom against the real API: problems show beside their fields, success moves on. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUp, startTestPortal, type TestPortal } from "../../../server/src/test-support/portal.js";
import { eventually, freshPinia, mountPage, useOrigin } from "../test-support.js";
import { useAuthStore } from "../stores/auth.js";
import { useProjectsStore } from "../stores/projects.js";
import AppFormPage from "./AppFormPage.vue";
import LoginPage from "./LoginPage.vue";
import NewProjectPage from "./NewProjectPage.vue";
import ProjectPage from "./ProjectPage.vue";
import RegisterPage from "./RegisterPage.vue";

let portal: TestPortal;
beforeAll(async () => {
  portal = await startTestPortal();
  useOrigin(portal.url);
});
afterAll(async () => {
  await portal?.stop();
});

const fieldError = (wrapper: { find(selector: string): { element: Element } }, label: string) => {
  const labelElement = [...document.querySelectorAll("label")].find((candidate) => candidate.textContent?.trim().startsWith(label));
  const input = labelElement && document.getElementById(labelElement.htmlFor);
  const describedBy = input?.getAttribute("aria-describedby") ?? "";
  return describedBy
    .split(" ")
    .map((id) => document.getElementById(id))
    .find((element) => element?.classList.contains("error"))
    ?.textContent?.trim();
};

describe("the sign-up form", () => {
  it("shows each problem beside its field, then the inbox message", async () => {
    const { wrapper } = await mountPage(RegisterPage, "/register", freshPinia());
    await wrapper.find("input[autocomplete=email]").setValue("not-an-email");
    await wrapper.find("input[autocomplete=new-password]").setValue("short");
    await wrapper.find("form").trigger("submit");
    await eventually(() => expect(fieldError(wrapper, "E-mail")).toBe("must be an e-mail address"));
    expect(fieldError(wrapper, "Password")).toBe("must be at least 10 characters long");
    expect(fieldError(wrapper, "Name")).toBe("must not be empty");
    expect(wrapper.find("input[autocomplete=email]").attributes("aria-invalid")).toBe("true");

    await wrapper.find("input[autocomplete=name]").setValue("Form User");
    await wrapper.find("input[autocomplete=email]").setValue("form@example.com");
    await wrapper.find("input[autocomplete=new-password]").setValue("correct horse battery");
    await wrapper.find("form").trigger("submit");
    await eventually(() => expect(wrapper.text()).toContain("Check your inbox"));
    expect(wrapper.text()).toContain("form@example.com");
    wrapper.unmount();
  });
});

describe("the login form", () => {
  it("says when the password is wrong, and offers a new link when the address is unconfirmed", async () => {
    await portal.request("POST", "/api/auth/register", { body: { email: "pending@example.com", password: "correct horse battery", name: "P" } });
    await portal.smtp.waitFor((mail) => mail.to.includes("pending@example.com"));
    const { wrapper } = await mountPage(LoginPage, "/login", freshPinia());
    await wrapper.find("input[type=email]").setValue("pending@example.com");
    await wrapper.find("input[type=password]").setValue("correct horse battery");
    await wrapper.find("form").trigger("submit");
    await eventually(() => expect(wrapper.find("[role=alert]").text()).toContain("Confirm your e-mail address first"));
    expect(wrapper.text()).toContain("Send the confirmation link again");
    wrapper.unmount();
  });
});

describe("the project and app forms", () => {
  it("shows quota and app problems where they belong, and creates both", async () => {
    // Node's fetch keeps the session cookie for the API check below; the page signs in through the store like a user.
    const cookie = await signUp(portal, "builder@example.com");
    const pinia = freshPinia();
    await useAuthStore(pinia).login({ email: "builder@example.com", password: "correct horse battery" });

    const project = await mountPage(NewProjectPage, "/projects/new", pinia);
    const inputs = project.wrapper.findAll("input");
    await inputs[0]!.setValue("forms");
    await inputs[2]!.setValue("2 cores");
    await project.wrapper.find("form").trigger("submit");
    await eventually(() => expect(fieldError(project.wrapper, "CPU")).toContain('"2 cores" is not a CPU quantity'));
    await inputs[2]!.setValue("1");
    await inputs[3]!.setValue("1Gi");
    await project.wrapper.find("form").trigger("submit");
    await eventually(() => expect(project.router.currentRoute.value.fullPath).toBe("/projects/forms"));
    project.wrapper.unmount();

    const app = await mountPage(AppFormPage, "/projects/forms/apps/new", pinia);
    await app.wrapper.find("input[autocomplete=off]").setValue("web");
    const image = [...app.wrapper.findAll("input")].find((input) => input.element.id === document.querySelector<HTMLLabelElement>("label:not(.checkbox)")?.htmlFor);
    expect(image).toBeDefined();
    const byLabel = (label: string) => app.wrapper.find(`#${[...document.querySelectorAll("label")].find((candidate) => candidate.textContent?.trim() === label)!.htmlFor}`);
    await byLabel("Image and tag").setValue("nginx:::");
    await byLabel("Port (optional)").setValue("70000");
    await app.wrapper.find("form").trigger("submit");
    await eventually(() => expect(fieldError(app.wrapper, "Image and tag")).toContain("is not a valid image reference"));
    expect(fieldError(app.wrapper, "Port (optional)")).toContain("70000 is out of range");
    await byLabel("Image and tag").setValue("nginx:1.27");
    await byLabel("Port (optional)").setValue("80");
    await byLabel("Domain (optional)").setValue("web.forms.example.com");
    await byLabel("Visibility").setValue("private");
    await app.wrapper.find("form").trigger("submit");
    await eventually(() => expect(app.router.currentRoute.value.fullPath).toBe("/projects/forms"));
    const apps = await portal.request("GET", "/api/projects/forms/apps", { cookie });
    expect(apps.json.items.map((item: { name: string; image: string; port: number; visibility: string }) => [item.name, item.image, item.port, item.visibility])).toEqual([
      ["web", "nginx:1.27", 80, "private"],
    ]);
    expect((await portal.request("GET", "/api/projects/forms/manifests", { cookie })).text).toContain("ingressClassName: nginx-internal");
    app.wrapper.unmount();
  });
});

describe("the members list", () => {
  it("offers no way to remove the only owner, and asks before removing a member, who stays on Cancel", async () => {
    await signUp(portal, "mate@example.com");
    const lead = await signUp(portal, "lead@example.com");
    const pinia = freshPinia();
    await useAuthStore(pinia).login({ email: "lead@example.com", password: "correct horse battery" });
    await useProjectsStore(pinia).create({ name: "crew", quota: { cpu: "500m", memory: "1Gi" } });
    const page = await mountPage(ProjectPage, "/projects/crew", pinia);
    const members = () => page.wrapper.find("ul.members");
    const removeButtons = () =>
      members()
        .findAll("button")
        .filter((button) => button.text() === "Remove");
    await eventually(() => expect(members().text()).toContain("lead@example.com"));
    expect(removeButtons()).toHaveLength(0);

    const form = page.wrapper.find("form.inline");
    await form.find("input[type=email]").setValue("mate@example.com");
    await form.trigger("submit");
    await eventually(() => expect(members().text()).toContain("mate@example.com"));
    expect(removeButtons()).toHaveLength(1);

    await removeButtons()[0]!.trigger("click");
    const dialog = page.wrapper.findAll("dialog").find((candidate) => candidate.attributes("aria-label") === "Remove this member?")!;
    expect(dialog.text()).toContain("mate@example.com");
    expect(members().text()).toContain("mate@example.com");
    // Cancel keeps the member; removing for real is in the chromium journey (happy-dom misreads the 204).
    await dialog
      .findAll("button")
      .find((button) => button.text() === "Cancel")!
      .trigger("click");
    const { json } = await portal.request("GET", "/api/projects/crew/members", { cookie: lead });
    expect(json.items.map((person: { email: string }) => person.email).sort()).toEqual(["lead@example.com", "mate@example.com"]);
    page.wrapper.unmount();
  });
});
