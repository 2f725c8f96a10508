import type { DeploymentSummary } from "@babyhelm/sdk/api";
import { describe, expect, it } from "vitest";
import { appStatus, deploymentFixture, pod, projectStatus } from "../test-fakes.js";
import { appReason, deploymentVerdict, podProblem, projectSummary, statusAbsence } from "./statusText.js";

const succeeded: DeploymentSummary = deploymentFixture({ id: "4", kind: "up", status: "succeeded", createdAt: "2030-01-01T10:00:00Z", finishedAt: "2030-01-01T10:02:00Z" });
const crashing = appStatus({ name: "web", health: "degraded", reason: "CrashLoopBackOff: The container keeps crashing: it exits with code 1; restarted 5 times." });

describe("deploymentVerdict", () => {
  it("judges only on an answer read after the deploy ended", () => {
    expect(deploymentVerdict(succeeded, projectStatus({ readAt: "2030-01-01T10:01:59Z", apps: [crashing] }), "4")).toBeNull();
    expect(deploymentVerdict(succeeded, projectStatus({ readAt: "2030-01-01T10:02:01Z", apps: [crashing] }), "4")?.text).toBe(
      "Deployed, but web is not healthy: CrashLoopBackOff: The container keeps crashing: it exits with code 1; restarted 5 times.",
    );
  });

  it("says nothing for a destroy, a failure, an older deployment or without a live cluster", () => {
    const after = projectStatus({ readAt: "2030-01-01T10:03:00Z", apps: [crashing] });
    expect(deploymentVerdict({ ...succeeded, kind: "destroy" }, after, "4")).toBeNull();
    expect(deploymentVerdict({ ...succeeded, status: "failed" }, after, "4")).toBeNull();
    expect(deploymentVerdict(succeeded, after, "5")).toBeNull();
    expect(deploymentVerdict(succeeded, { ...after, cluster: "unreachable" }, "4")).toBeNull();
    expect(deploymentVerdict(succeeded, null, "4")).toBeNull();
  });

  it("names the one healthy app", () => {
    expect(deploymentVerdict(succeeded, projectStatus({ readAt: "2030-01-01T10:03:00Z", apps: [appStatus({ name: "web" })] }), "4")).toEqual({
      tone: "ok",
      text: "Deployed, and web is healthy.",
      apps: [],
    });
  });
});

describe("status in words", () => {
  it("gives the server's reason, else what the counts say", () => {
    expect(appReason(crashing)).toBe(crashing.reason);
    expect(appReason(appStatus({ name: "web" }))).toBeNull();
    expect(appReason(appStatus({ name: "web", health: "degraded", replicas: { desired: 3, ready: 1, updated: 3, available: 1 } }))).toBe("1 of 3 pods ready.");
    expect(
      appReason(appStatus({ name: "web", health: "progressing", rollout: { state: "progressing", reason: "ReplicaSetUpdated", message: "ReplicaSet web-5d8 is progressing." } })),
    ).toBe("ReplicaSet web-5d8 is progressing.");
  });

  it("names a pod's problem by its code, with the exit code when the sentence lacks it", () => {
    expect(podProblem(pod({ name: "web-1" }))).toBeNull();
    expect(
      podProblem(pod({ name: "web-1", problem: { code: "CrashLoopBackOff", message: "The container keeps crashing: it exits with code 1; restarted 5 times.", exitCode: 1 } })),
    ).toBe("CrashLoopBackOff: The container keeps crashing: it exits with code 1; restarted 5 times.");
    expect(podProblem(pod({ name: "web-1", problem: { code: "CrashLoopBackOff", message: "The container keeps crashing.", exitCode: 137 } }))).toBe(
      "CrashLoopBackOff: The container keeps crashing. (exit code 137)",
    );
  });

  it("says why there is no health to show, in the server's words when it has them", () => {
    expect(statusAbsence(projectStatus({ cluster: "not_configured", deployed: false, health: null, message: "No cluster." }))).toBe("No cluster.");
    expect(statusAbsence(projectStatus({ cluster: "unreachable", deployed: false, health: null, message: null }))).toBe(
      "The cluster did not answer; live health shows again when it does.",
    );
    expect(statusAbsence(projectStatus({ deployed: false, health: "missing", message: null }))).toBe("Not deployed yet: health shows once the project is deployed.");
    expect(statusAbsence(projectStatus())).toBeNull();
  });

  it("counts healthy apps", () => {
    expect(projectSummary(projectStatus({ apps: [appStatus({ name: "web" })] }))).toBe("The app is healthy.");
    expect(projectSummary(projectStatus({ apps: [appStatus({ name: "web" }), appStatus({ name: "api" })] }))).toBe("All 2 apps are healthy.");
    expect(projectSummary(projectStatus({ apps: [crashing, appStatus({ name: "api" })] }))).toBe("1 of 2 apps healthy.");
  });
});
