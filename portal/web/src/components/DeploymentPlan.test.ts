// @vitest-environment happy-dom
/**
 * The plan view: one row per resource with its op badge, kind and name; for an update or replacement each
 * changed field with its value before → after (objects as JSON, an added field as "unset" → value); a
 * secret's change names the field and shows neither value; an empty plan says so. And the words behind it:
 * the plan in a line, and a deployment diff's changed objects read as plan steps.
 */
import type { PlanStep } from "@babyhelm/sdk/api";
import { mount } from "@vue/test-utils";
import { describe, expect, it } from "vitest";
import { objectStep, planSummary, showValue } from "../composables/planText.js";
import DeploymentPlan from "./DeploymentPlan.vue";

const PLAN: PlanStep[] = [
  { op: "create", kind: "Service", name: "api", changes: [] },
  {
    op: "update",
    kind: "Deployment",
    name: "web",
    changes: [
      { field: "spec.template.spec.containers[0].image", before: "nginx:1.27", after: "nginx:1.28" },
      { field: "spec.replicas", before: 1, after: 3 },
      { field: "metadata.labels", after: { tier: "front" } },
    ],
  },
  { op: "replace", kind: "Secret", name: "web-env", changes: [{ field: "data.API_KEY" }] },
  { op: "delete", kind: "Ingress", name: "old", changes: [] },
];

const steps = (wrapper: ReturnType<typeof mount>) => wrapper.findAll("[data-testid=plan-step]");

describe("the plan view", () => {
  it("shows each resource's op, kind and name, in the engine's order", () => {
    const wrapper = mount(DeploymentPlan, { props: { steps: PLAN } });
    expect(steps(wrapper).map((step) => [step.find("[data-testid=plan-op]").text(), step.find("[data-testid=plan-resource]").text()])).toEqual([
      ["create", "Service api"],
      ["update", "Deployment web"],
      ["replace", "Secret web-env"],
      ["delete", "Ingress old"],
    ]);
    expect(steps(wrapper).map((step) => step.find("[data-testid=plan-op]").classes())).toEqual([
      ["badge", "op", "op-create"],
      ["badge", "op", "op-update"],
      ["badge", "op", "op-replace"],
      ["badge", "op", "op-delete"],
    ]);
    expect(wrapper.find("[data-testid=plan-summary]").text()).toBe("1 to create, 1 to update, 1 to replace, 1 to delete · fields: before → after");
    expect(wrapper.find("ol").attributes("aria-label")).toBe("Plan");
  });

  it("lists an update's fields with their values before → after", () => {
    const wrapper = mount(DeploymentPlan, { props: { steps: PLAN } });
    const fields = steps(wrapper)[1]!.findAll("li[data-field]");
    expect(fields.map((field) => field.attributes("data-field"))).toEqual(["spec.template.spec.containers[0].image", "spec.replicas", "metadata.labels"]);
    const values = fields.map((field) => [field.find("[data-testid=field-before]").text(), field.find("[data-testid=field-after]").text()]);
    expect(values).toEqual([
      ["nginx:1.27", "nginx:1.28"],
      ["1", "3"],
      ["unset", '{"tier":"front"}'],
    ]);
    expect(fields[0]!.text()).toContain("nginx:1.27 → nginx:1.28");
    // Creations and deletions carry no fields.
    expect(steps(wrapper)[0]!.find("li[data-field]").exists()).toBe(false);
  });

  it("names a secret field that changes without any of its values", () => {
    const wrapper = mount(DeploymentPlan, { props: { steps: PLAN } });
    const secret = steps(wrapper)[2]!.find("li[data-field='data.API_KEY']");
    expect(secret.find("[data-testid=field-hidden]").text()).toBe("changed (secret: values not shown)");
    expect(secret.find("[data-testid=field-before]").exists()).toBe(false);
    expect(secret.find("[data-testid=field-after]").exists()).toBe(false);
    expect(secret.text()).not.toContain("unset");
  });

  it("says when nothing would change, in the caller's words", () => {
    const wrapper = mount(DeploymentPlan, { props: { steps: [], empty: "Nothing would change in the cluster." } });
    expect(wrapper.find("[data-testid=plan-empty]").text()).toBe("Nothing would change in the cluster.");
    expect(wrapper.find("ol").exists()).toBe(false);
  });

  it("labels the sides as asked (a drift check: the cluster against what BabyHelm deploys)", () => {
    const wrapper = mount(DeploymentPlan, { props: { steps: PLAN.slice(1, 2), beforeLabel: "in the cluster", afterLabel: "what BabyHelm deploys" } });
    expect(wrapper.find("[data-testid=plan-summary]").text()).toBe("1 to update · fields: in the cluster → what BabyHelm deploys");
    expect(wrapper.find("[data-testid=field-before]").attributes("title")).toBe("in the cluster");
  });
});

describe("plan words", () => {
  it("reads a diff's changed objects as plan steps", () => {
    expect(objectStep({ object: "Deployment shop/web", op: "changed", changes: [{ path: "spec.replicas", before: 1, after: 2 }] })).toEqual({
      op: "update",
      kind: "Deployment",
      name: "shop/web",
      changes: [{ field: "spec.replicas", before: 1, after: 2 }],
    });
    expect(objectStep({ object: "Namespace shop", op: "added", changes: [] }).op).toBe("create");
    expect(objectStep({ object: "Ingress shop/web", op: "removed", changes: [] }).op).toBe("delete");
  });

  it("sums a plan up in the order create, update, replace, delete", () => {
    expect(
      planSummary([
        { op: "update", kind: "A", name: "a", changes: [] },
        { op: "create", kind: "B", name: "b", changes: [] },
        { op: "update", kind: "C", name: "c", changes: [] },
      ]),
    ).toBe("1 to create, 2 to update");
  });

  it("shows strings as they are, anything else as JSON, long values cut", () => {
    expect(showValue("nginx")).toBe("nginx");
    expect(showValue(null)).toBe("null");
    expect(showValue(["a", 1])).toBe('["a",1]');
    expect(showValue("x".repeat(500))).toHaveLength(200);
  });
});
