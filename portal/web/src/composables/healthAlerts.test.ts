import type { HealthAlert } from "@babyhelm/sdk/api";
import { describe, expect, it } from "vitest";
import { appStatus, projectStatus } from "../test-fakes.js";
import { alertReason, alertsBehind, deliveryText, webhookText, webhookUrlProblem } from "./healthAlerts.js";

const alert = (overrides: Partial<HealthAlert> = {}): HealthAlert => ({
  id: "1",
  app: "web",
  kind: "degraded",
  reason: "CrashLoopBackOff (1 of 1 pods): The container keeps crashing.",
  deploymentId: "4",
  mailedTo: 1,
  webhook: null,
  createdAt: "2030-01-01T10:00:00Z",
  ...overrides,
});

describe("what became of an alert", () => {
  it("says the webhook's delivery in words", () => {
    expect(webhookText(null)).toBe("no webhook");
    expect(webhookText({ status: "pending", attempts: 0 })).toBe("webhook being sent");
    expect(webhookText({ status: "pending", attempts: 1 })).toBe("webhook retrying after 1 failed attempt");
    expect(webhookText({ status: "pending", attempts: 3 })).toBe("webhook retrying after 3 failed attempts");
    expect(webhookText({ status: "delivered", attempts: 1 })).toBe("webhook delivered after 1 attempt");
    expect(webhookText({ status: "delivered", attempts: 2 })).toBe("webhook delivered after 2 attempts");
    expect(webhookText({ status: "failed", attempts: 6 })).toBe("webhook failed after 6 attempts");
    expect(webhookText({ status: "suppressed", attempts: 0 })).toBe("webhook not called: rate-limited");
  });

  it("says who was mailed, and that a rate-limited alert went nowhere", () => {
    expect(deliveryText(alert({ mailedTo: 1 }))).toBe("Mailed to 1 owner · no webhook");
    expect(deliveryText(alert({ mailedTo: 3, webhook: { status: "delivered", attempts: 2 } }))).toBe("Mailed to 3 owners · webhook delivered after 2 attempts");
    expect(deliveryText(alert({ mailedTo: 0 }))).toBe("No owner mailed · no webhook");
    expect(deliveryText(alert({ mailedTo: 0, webhook: { status: "suppressed", attempts: 0 } }))).toBe(
      "Rate-limited: over 12 alerts this hour, so it was recorded but neither mailed nor sent to the webhook.",
    );
  });

  it("says why, or what a recovery means", () => {
    expect(alertReason(alert())).toBe("CrashLoopBackOff (1 of 1 pods): The container keeps crashing.");
    expect(alertReason(alert({ reason: null }))).toBe("Some of its pods are not ready.");
    expect(alertReason(alert({ kind: "recovered", reason: null }))).toBe("Healthy again: all its pods are ready.");
  });
});

describe("alertsBehind", () => {
  const degraded = projectStatus({ health: "degraded", apps: [appStatus({ name: "web", health: "degraded" }), appStatus({ name: "api" })] });
  const healthy = projectStatus({ apps: [appStatus({ name: "web" }), appStatus({ name: "api" })] });

  it("expects a degraded alert for an app that is degraded, and a recovery once it is healthy", () => {
    expect(alertsBehind([], degraded)).toBe(true);
    expect(alertsBehind([alert({ id: "1", kind: "recovered" }), alert({ id: "0" })], degraded)).toBe(true);
    expect(alertsBehind([alert()], degraded)).toBe(false);
    expect(alertsBehind([alert()], healthy)).toBe(true);
    expect(alertsBehind([alert({ id: "2", kind: "recovered", reason: null }), alert()], healthy)).toBe(false);
    expect(alertsBehind([], healthy)).toBe(false);
  });

  it("expects the degraded alert again after a newer deploy that succeeded", () => {
    expect(alertsBehind([alert({ deploymentId: "4" })], degraded, "4")).toBe(false);
    expect(alertsBehind([alert({ deploymentId: "4" })], degraded, "10")).toBe(true);
  });

  it("expects news of a webhook POST still on its way", () => {
    expect(alertsBehind([alert({ webhook: { status: "pending", attempts: 0 } })], degraded)).toBe(true);
    expect(alertsBehind([alert({ webhook: { status: "pending", attempts: 2 } })], degraded)).toBe(true);
    expect(alertsBehind([alert({ webhook: { status: "delivered", attempts: 1 } })], degraded)).toBe(false);
    expect(alertsBehind([alert({ webhook: { status: "failed", attempts: 6 } })], degraded)).toBe(false);
  });

  it("expects nothing of apps still rolling out, nor without a live answer", () => {
    expect(alertsBehind([], projectStatus({ apps: [appStatus({ name: "web", health: "progressing" })] }))).toBe(false);
    expect(alertsBehind([], projectStatus({ cluster: "unreachable", deployed: false, health: null, apps: [] }))).toBe(false);
    expect(alertsBehind([], null)).toBe(false);
  });
});

describe("webhookUrlProblem", () => {
  it("takes http and https URLs", () => {
    expect(webhookUrlProblem("https://hooks.example.com/babyhelm")).toBeUndefined();
    expect(webhookUrlProblem("  http://10.0.0.5:8080/hook  ")).toBeUndefined();
  });

  it("refuses what the API refuses, in its words", () => {
    expect(webhookUrlProblem(" ")).toBe("is required: the URL alerts are POSTed to");
    expect(webhookUrlProblem("hooks.example.com")).toBe("must be an absolute http or https URL, such as https://hooks.example.com/babyhelm");
    expect(webhookUrlProblem("ftp://example.com/x")).toBe("must be an http or https URL");
    expect(webhookUrlProblem("https://bot:pw@hooks.example.com/")).toBe("must not carry a user or password: the signature proves the sender");
    expect(webhookUrlProblem(`https://hooks.example.com/${"a".repeat(2000)}`)).toBe("must be at most 2000 characters long");
  });
});
