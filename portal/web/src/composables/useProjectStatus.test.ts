// @vitest-environment happy-dom
/**
 * The status poller on fake timers, with the portal's answers given to the axios client: how often it asks
 * while the tab is visible, hidden, failing or without a cluster; that it never has two requests out; that
 * sections of one page share its requests; and that it stops when the last of them goes.
 */
import { effectScope } from "vue";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { deferred, fakeApi, projectStatus } from "../test-fakes.js";
import { STATUS_MAX_POLL_MS, STATUS_POLL_MS, useProjectStatus } from "./useProjectStatus.js";

const URL = "/projects/shop/status";
let visibility: DocumentVisibilityState = "visible";
let fake: ReturnType<typeof fakeApi>;
const scopes: ReturnType<typeof effectScope>[] = [];

function setVisibility(state: DocumentVisibilityState) {
  visibility = state;
  document.dispatchEvent(new Event("visibilitychange"));
}

/** As a section of a page uses it: inside a scope that ends when the section goes. */
function use(project = "shop") {
  const scope = effectScope();
  scopes.push(scope);
  return { scope, status: scope.run(() => useProjectStatus(project))! };
}

const requests = () => fake.count("GET", URL);

/** Advances the clock and lets the answers that came due settle. */
const wait = (ms: number) => vi.advanceTimersByTimeAsync(ms);

beforeEach(() => {
  vi.useFakeTimers();
  visibility = "visible";
  Object.defineProperty(document, "visibilityState", { configurable: true, get: () => visibility });
});
afterEach(() => {
  for (const scope of scopes.splice(0)) scope.stop();
  fake?.restore();
  vi.useRealTimers();
  delete (document as { visibilityState?: unknown }).visibilityState;
});

/** The waits between requests over the next `count` requests, measured by stepping the clock a second at a time. */
async function gaps(count: number): Promise<number[]> {
  const found: number[] = [];
  let seen = requests();
  let since = 0;
  while (found.length < count) {
    await wait(1_000);
    since += 1_000;
    if (requests() > seen) {
      found.push(since);
      seen = requests();
      since = 0;
    }
    if (since > 5 * STATUS_MAX_POLL_MS) throw new Error(`no request for ${since} ms`);
  }
  return found;
}

describe("useProjectStatus", () => {
  it("asks at once, then every 5 s while the tab is visible, and keeps the answer", async () => {
    fake = fakeApi(() => ({ data: projectStatus({ health: "degraded" }) }));
    const { status } = use();
    await wait(0);
    expect(requests()).toBe(1);
    expect(status.status.value?.health).toBe("degraded");
    expect(status.live.value).toBe(true);
    expect(await gaps(3)).toEqual([STATUS_POLL_MS, STATUS_POLL_MS, STATUS_POLL_MS]);
  });

  it("never has two requests out: a slow answer holds the next poll back", async () => {
    const answers: ReturnType<typeof deferred<{ data: unknown }>>[] = [];
    fake = fakeApi(() => {
      const answer = deferred<{ data: unknown }>();
      answers.push(answer);
      return answer.promise;
    });
    const { status } = use();
    await wait(0);
    expect(requests()).toBe(1);
    await wait(60_000);
    expect(requests()).toBe(1);
    // Asked for more while one is out (a deploy ended): one more after it, however many times asked.
    const first = status.refresh();
    const second = status.refresh();
    await wait(1_000);
    expect(requests()).toBe(1);
    answers[0]!.resolve({ data: projectStatus({ health: "progressing" }) });
    await wait(0);
    expect(requests()).toBe(2);
    answers[1]!.resolve({ data: projectStatus({ health: "healthy" }) });
    await Promise.all([first, second]);
    expect(status.status.value?.health).toBe("healthy");
    expect(requests()).toBe(2);
    await wait(STATUS_POLL_MS);
    expect(requests()).toBe(3);
  });

  it("doubles the wait up to 60 s while the tab is hidden, and asks at once when it shows again", async () => {
    fake = fakeApi(() => ({ data: projectStatus() }));
    use();
    await wait(0);
    setVisibility("hidden");
    // The request due 5 s after the first still goes (the tab was visible when it was planned).
    expect(await gaps(6)).toEqual([5_000, 10_000, 20_000, 40_000, 60_000, 60_000]);
    const before = requests();
    await wait(3_000);
    setVisibility("visible");
    await wait(0);
    expect(requests()).toBe(before + 1);
    expect(await gaps(2)).toEqual([STATUS_POLL_MS, STATUS_POLL_MS]);
  });

  it("backs off on errors, keeping the last answer, and goes back to 5 s once it answers", async () => {
    let failing = false;
    fake = fakeApi(() => (failing ? { status: 500, data: { error: { code: "internal", message: "The portal failed." } } } : { data: projectStatus({ health: "healthy" }) }));
    const { status } = use();
    await wait(0);
    failing = true;
    expect(await gaps(4)).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect(status.error.value?.message).toBe("The portal failed.");
    expect(status.status.value?.health).toBe("healthy");
    failing = false;
    expect(await gaps(3)).toEqual([60_000, 5_000, 5_000]);
    expect(status.error.value).toBeNull();
  });

  it("asks less often when the portal has no cluster to read", async () => {
    fake = fakeApi(() => ({ data: projectStatus({ cluster: "not_configured", deployed: false, health: null, message: "This portal is not connected to a cluster." }) }));
    const { status } = use();
    await wait(0);
    expect(status.live.value).toBe(false);
    expect(await gaps(4)).toEqual([10_000, 20_000, 40_000, 60_000]);
  });

  it("is shared by the sections of a page, and stops when the last one goes", async () => {
    fake = fakeApi(() => ({ data: projectStatus() }));
    const header = use();
    const table = use();
    const verdict = use();
    await wait(0);
    expect(requests()).toBe(1);
    await wait(STATUS_POLL_MS * 4);
    expect(requests()).toBe(5);
    expect(table.status.status.value).toBe(header.status.status.value);
    header.scope.stop();
    table.scope.stop();
    await wait(STATUS_POLL_MS);
    expect(requests()).toBe(6);
    verdict.scope.stop();
    await wait(STATUS_MAX_POLL_MS * 2);
    expect(requests()).toBe(6);
    // A page opened later starts afresh.
    use();
    await wait(0);
    expect(requests()).toBe(7);
  });

  it("keeps projects apart", async () => {
    fake = fakeApi((request) => ({ data: projectStatus({ project: request.url.split("/")[2]! }) }));
    const shop = use("shop");
    const blog = use("blog");
    await wait(0);
    expect(shop.status.status.value?.project).toBe("shop");
    expect(blog.status.status.value?.project).toBe("blog");
    expect(fake.requests.map((request) => request.url).sort()).toEqual(["/projects/blog/status", "/projects/shop/status"]);
  });
});
