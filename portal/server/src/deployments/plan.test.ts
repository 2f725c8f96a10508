import type { EngineEvent } from "@pulumi/pulumi/automation/index.js";
import { describe, expect, it } from "vitest";
import { parsePath, PlanCollector, planStepOf } from "./plan.js";

const PROVIDER = "urn:pulumi:shop::babyhelm-project::pulumi:providers:kubernetes::default_4_25_0::04da6b54";
const URN = "urn:pulumi:shop::babyhelm-project::babyhelm:index:Project$babyhelm:index:App$kubernetes:apps/v1:Deployment::shop-web";

function pre(op: string, extra: Record<string, unknown> = {}, type = "kubernetes:apps/v1:Deployment", urn = URN): EngineEvent {
  return { sequence: 1, timestamp: 0, resourcePreEvent: { metadata: { op, urn, type, provider: PROVIDER, ...extra } } } as unknown as EngineEvent;
}

const deployment = (image: string, env: unknown = "[secret]") => ({
  type: "kubernetes:apps/v1:Deployment",
  urn: URN,
  custom: true,
  delete: false,
  id: "",
  parent: "",
  protect: false,
  inputs: { metadata: { name: "web" }, spec: { template: { spec: { containers: [{ image, env }] } } } },
  outputs: { metadata: { name: "web" } },
  provider: "",
});

describe("planStepOf", () => {
  it("names the changed fields with the value before and after", () => {
    const step = planStepOf(
      pre("update", {
        old: deployment("nginx:1.26"),
        new: deployment("nginx:1.27"),
        detailedDiff: { "spec.template.spec.containers[0].image": { kind: "update", inputDiff: true } },
      }),
    );
    expect(step).toEqual({
      op: "update",
      kind: "Deployment",
      name: "web",
      changes: [{ field: "spec.template.spec.containers[0].image", before: "nginx:1.26", after: "nginx:1.27" }],
    });
  });

  it("never shows a secret value: the engine's secret marker, Pulumi's secret envelope, a Secret's data", () => {
    const envelope = { "1b47061264138c4ac30d75fd1eb44270": "1b47061264138c4ac30d75fd1eb44270", value: "hunter2" };
    const step = planStepOf(
      pre("update", {
        old: deployment("nginx", [{ name: "A", value: "[secret]" }]),
        new: deployment("nginx", [{ name: "A", value: envelope }]),
        detailedDiff: { "spec.template.spec.containers[0].env": { kind: "update", inputDiff: true } },
      }),
    );
    expect(step!.changes).toEqual([{ field: "spec.template.spec.containers[0].env" }]);
    const secret = planStepOf(
      pre(
        "update",
        { old: { inputs: { stringData: { A: "old" } } }, new: { inputs: { stringData: { A: "new" } } }, detailedDiff: { "stringData.A": { kind: "update" } } },
        "kubernetes:core/v1:Secret",
      ),
    );
    expect(JSON.stringify(secret)).not.toMatch(/old|new/);
    expect(secret!.changes).toEqual([{ field: "stringData.A" }]);
  });

  it("leaves out steps that change nothing and Pulumi's own bookkeeping", () => {
    for (const op of ["same", "read", "refresh"]) expect(planStepOf(pre(op))).toBeUndefined();
    expect(planStepOf(pre("create", {}, "pulumi:pulumi:Stack"))).toBeUndefined();
    expect(planStepOf(pre("create", {}, "pulumi:providers:kubernetes"))).toBeUndefined();
    expect(planStepOf({ sequence: 1, timestamp: 0, summaryEvent: {} } as unknown as EngineEvent)).toBeUndefined();
    expect(planStepOf(pre("create", { provider: "" }, "babyhelm:index:App"))).toBeUndefined();
  });

  it("falls back to the top-level keys that changed when the provider gives no detailed diff", () => {
    const step = planStepOf(pre("update", { old: deployment("a"), new: deployment("b"), diffs: ["spec"] }));
    expect(step!.changes.map((change) => change.field)).toEqual(["spec"]);
  });
});

describe("PlanCollector", () => {
  it("folds a replacement's create-replacement and delete-replaced into one replace step with its diff", () => {
    const plan = new PlanCollector();
    plan.add(
      pre("create-replacement", { old: deployment("a"), new: deployment("b"), detailedDiff: { "spec.template.spec.containers[0].image": { kind: "update" } }, keys: ["spec"] }),
    );
    plan.add(pre("delete-replaced", { old: deployment("a") }));
    plan.add(pre("create", { new: deployment("c") }, "kubernetes:core/v1:Service", `${URN}-svc`));
    expect(plan.result()).toEqual([
      { op: "replace", kind: "Deployment", name: "web", changes: [{ field: "spec.template.spec.containers[0].image", before: "a", after: "b" }] },
      { op: "create", kind: "Service", name: "web", changes: [] },
    ]);
  });
});

describe("parsePath", () => {
  it("reads dotted paths with indexes and quoted keys", () => {
    expect(parsePath('metadata.annotations["babyhelm.io/restarted-at"]')).toEqual(["metadata", "annotations", "babyhelm.io/restarted-at"]);
    expect(parsePath("spec.containers[0].image")).toEqual(["spec", "containers", 0, "image"]);
  });
});
