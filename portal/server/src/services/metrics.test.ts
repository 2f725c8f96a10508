import { describe, expect, it } from "vitest";
import { AppError } from "../errors.js";
import { MAX_QUERIES_PER_USER, Metrics } from "./metrics.js";

describe("metrics queries per user", () => {
  it(`runs at most ${MAX_QUERIES_PER_USER} of one user's at once, answering 429 beyond, and none of that limits others`, async () => {
    const metrics = new Metrics(undefined, undefined);
    const releases: (() => void)[] = [];
    const held = () => new Promise<string>((resolve) => releases.push(() => resolve("done")));
    const running = Array.from({ length: MAX_QUERIES_PER_USER }, () => metrics.forUser("1", held));
    const refused = await metrics.forUser("1", held).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ status: 429, code: "too_many_queries", headers: { "Retry-After": "1" } });
    // Another user is not held up by the first one's queries.
    const other = metrics.forUser("2", async () => "other");
    await expect(other).resolves.toBe("other");
    // One finishes: the next one runs.
    releases[0]!();
    await expect(running[0]).resolves.toBe("done");
    const next = metrics.forUser("1", async () => "next");
    await expect(next).resolves.toBe("next");
    // A query that fails gives its slot back too.
    await expect(metrics.forUser("1", async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(metrics.forUser("1", async () => "still")).resolves.toBe("still");
    for (const release of releases.slice(1)) release();
    await Promise.all(running);
  });
});
