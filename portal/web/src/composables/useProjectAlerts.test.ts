// @vitest-environment happy-dom
/**
 * The alerts list on fake timers, with the portal's answers given to the axios client: read once, then only
 * when the status poller's answers show an app's health changed, following up on the poller's next answers
 * until the alert that change brings is listed (a bounded number of times), never with two requests out,
 * and not at all once the section has gone.
 */
import type { HealthAlert, ProjectStatus } from "@babyhelm/sdk/api";
import { effectScope } from "vue";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { appStatus, deferred, fakeApi, projectStatus } from "../test-fakes.js";
import { ALERT_FOLLOW_UPS, useProjectAlerts } from "./useProjectAlerts.js";
import { STATUS_POLL_MS } from "./useProjectStatus.js";

const ALERTS = "/projects/shop/alerts";
const STATUS = "/projects/shop/status";

let fake: ReturnType<typeof fakeApi>;
const scopes: ReturnType<typeof effectScope>[] = [];
let health: "healthy" | "degraded" | "progressing" = "healthy";
let listed: HealthAlert[] = [];

/** A new answer object each time, as JSON off the wire would be. */
const status = (): ProjectStatus =>
  projectStatus({ health, apps: [appStatus({ name: "web", health, reason: health === "degraded" ? "CrashLoopBackOff (1 of 1 pods)" : null }), appStatus({ name: "api" })] });
const degradedAlert = (id = "1"): HealthAlert => ({
  id,
  app: "web",
  kind: "degraded",
  reason: "CrashLoopBackOff (1 of 1 pods)",
  deploymentId: "3",
  mailedTo: 1,
  webhook: null,
  createdAt: "2030-01-01T10:00:00Z",
});
const recoveredAlert = (id = "2"): HealthAlert => ({ ...degradedAlert(id), kind: "recovered", reason: null });

function use(project = "shop") {
  const scope = effectScope();
  scopes.push(scope);
  return { scope, alerts: scope.run(() => useProjectAlerts(project))! };
}
const asked = () => fake.count("GET", ALERTS);
const polls = () => fake.count("GET", STATUS);
const wait = (ms: number) => vi.advanceTimersByTimeAsync(ms);

beforeEach(() => {
  vi.useFakeTimers();
  health = "healthy";
  listed = [];
  Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "visible" });
});
afterEach(() => {
  for (const scope of scopes.splice(0)) scope.stop();
  fake?.restore();
  vi.useRealTimers();
  delete (document as { visibilityState?: unknown }).visibilityState;
});

function answerAlways() {
  fake = fakeApi(({ url }) => {
    if (url === STATUS) return { data: status() };
    if (url === ALERTS) return { data: { items: [...listed] } };
    return undefined;
  });
}

describe("useProjectAlerts", () => {
  it("reads the alerts once, and not again on a timer while every app keeps its health", async () => {
    answerAlways();
    const { alerts } = use();
    await wait(0);
    expect(asked()).toBe(1);
    expect(alerts.alerts.value).toEqual([]);
    await wait(5 * 60_000);
    expect(polls()).toBeGreaterThan(50);
    expect(asked()).toBe(1);
  });

  it("reads them again when the poller sees an app turn degraded, and when it recovers", async () => {
    answerAlways();
    const { alerts } = use();
    await wait(0);
    health = "degraded";
    listed = [degradedAlert()];
    await wait(STATUS_POLL_MS);
    expect(asked()).toBe(2);
    expect(alerts.alerts.value?.map((alert) => alert.kind)).toEqual(["degraded"]);
    await wait(STATUS_POLL_MS * 10);
    expect(asked()).toBe(2);

    // Rolling out again is a change of health too; the recovery after it another.
    health = "progressing";
    await wait(STATUS_POLL_MS);
    expect(asked()).toBe(3);
    health = "healthy";
    listed = [recoveredAlert(), degradedAlert()];
    await wait(STATUS_POLL_MS);
    expect(asked()).toBe(4);
    expect(alerts.alerts.value?.map((alert) => alert.kind)).toEqual(["recovered", "degraded"]);
    await wait(STATUS_POLL_MS * 10);
    expect(asked()).toBe(4);
  });

  it("asks again on the poller's next answers until the portal's watcher has made the alert", async () => {
    answerAlways();
    const { alerts } = use();
    await wait(0);
    health = "degraded";
    await wait(STATUS_POLL_MS);
    expect(asked()).toBe(2);
    // The watcher sweeps on its own schedule: two answers later the alert is there.
    await wait(STATUS_POLL_MS);
    expect(asked()).toBe(3);
    listed = [degradedAlert()];
    await wait(STATUS_POLL_MS);
    expect(asked()).toBe(4);
    expect(alerts.alerts.value?.map((alert) => alert.kind)).toEqual(["degraded"]);
    await wait(STATUS_POLL_MS * 20);
    expect(asked()).toBe(4);
  });

  it("asks again on the poller's next answers while a webhook POST is on its way, until it is delivered", async () => {
    answerAlways();
    const { alerts } = use();
    await wait(0);
    health = "degraded";
    listed = [{ ...degradedAlert(), webhook: { status: "pending", attempts: 0 } }];
    await wait(STATUS_POLL_MS);
    expect(asked()).toBe(2);
    listed = [{ ...degradedAlert(), webhook: { status: "delivered", attempts: 1 } }];
    await wait(STATUS_POLL_MS);
    expect(asked()).toBe(3);
    expect(alerts.alerts.value?.[0]?.webhook).toEqual({ status: "delivered", attempts: 1 });
    await wait(STATUS_POLL_MS * 20);
    expect(asked()).toBe(3);
  });

  it(`gives up after ${ALERT_FOLLOW_UPS} answers when the alert never comes (a portal that does not watch)`, async () => {
    answerAlways();
    use();
    await wait(0);
    health = "degraded";
    await wait(STATUS_POLL_MS * (ALERT_FOLLOW_UPS + 20));
    expect(asked()).toBe(2 + ALERT_FOLLOW_UPS);
  });

  it("never has two requests out: changes seen while one is out ask once more, after it", async () => {
    const answers: ReturnType<typeof deferred<{ data: unknown }>>[] = [];
    fake = fakeApi(({ url }) => {
      if (url === STATUS) return { data: status() };
      if (url !== ALERTS) return undefined;
      const answer = deferred<{ data: unknown }>();
      answers.push(answer);
      return answer.promise;
    });
    const { alerts } = use();
    await wait(0);
    health = "degraded";
    await wait(STATUS_POLL_MS);
    health = "healthy";
    await wait(STATUS_POLL_MS);
    health = "degraded";
    await wait(STATUS_POLL_MS);
    expect(asked()).toBe(1);
    answers[0]!.resolve({ data: { items: [] } });
    await wait(0);
    expect(asked()).toBe(2);
    answers[1]!.resolve({ data: { items: [degradedAlert()] } });
    await wait(0);
    expect(alerts.alerts.value?.map((alert) => alert.id)).toEqual(["1"]);
    expect(asked()).toBe(2);
  });

  it("keeps what it listed when a read fails, saying so", async () => {
    let failing = false;
    fake = fakeApi(({ url }) => {
      if (url === STATUS) return { data: status() };
      if (url !== ALERTS) return undefined;
      return failing ? { status: 500, data: { error: { code: "internal", message: "Something went wrong on our side." } } } : { data: { items: [degradedAlert()] } };
    });
    const { alerts } = use();
    await wait(0);
    failing = true;
    health = "degraded";
    await wait(STATUS_POLL_MS);
    expect(alerts.error.value?.message).toBe("Something went wrong on our side.");
    expect(alerts.alerts.value?.map((alert) => alert.id)).toEqual(["1"]);
  });

  it("asks nothing more once the section has gone", async () => {
    answerAlways();
    const { scope } = use();
    await wait(0);
    scope.stop();
    health = "degraded";
    await wait(STATUS_POLL_MS * 5);
    expect(asked()).toBe(1);
  });
});
