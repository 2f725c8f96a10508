/** The rule that tells dead job workers, pure. */
import { describe, expect, it } from "vitest";
import { deadLockHolders, registeredWorkerIsDead, type RegisteredWorker, type Vantage } from "./liveness.js";

const STALE = 60_000;
const here: Vantage = {
  processSpace: "host/boot/pid:[1]",
  // pid 10 runs the process that started at 100; pid 20 is gone; elsewhere nothing can be told.
  stillRuns: (pid, start) => (pid === 10 ? start === "100" : pid === 20 ? false : undefined),
  ownWorkers: new Set(["pool-own"]),
};
const worker = (changes: Partial<RegisteredWorker>): RegisteredWorker => ({
  workerId: "pool-a",
  processSpace: "host/boot/pid:[1]",
  pid: 10,
  processStart: "100",
  heartbeatAgeMs: 1000,
  ...changes,
});

describe("registeredWorkerIsDead", () => {
  it.each([
    ["a fresh heartbeat from a process that still runs here", worker({}), false],
    ["a stale heartbeat", worker({ heartbeatAgeMs: STALE + 1 }), true],
    ["a fresh heartbeat from a process here that is gone", worker({ pid: 20 }), true],
    ["a fresh heartbeat from a pid here reused by a later process", worker({ processStart: "999" }), true],
    ["a fresh heartbeat from another pid space (a container, another host)", worker({ processSpace: "other/boot/pid:[2]", pid: 20 }), false],
    ["a fresh heartbeat from a process whose state cannot be told", worker({ pid: 30 }), false],
    ["this process's own worker, even with a stale heartbeat", worker({ workerId: "pool-own", heartbeatAgeMs: STALE * 10 }), false],
  ])("%s: dead %s", (_case, row, dead) => {
    expect(registeredWorkerIsDead(row, here, STALE)).toBe(dead);
  });

  it("cannot tell a pid space it does not know (no /proc): the heartbeat alone decides", () => {
    expect(registeredWorkerIsDead(worker({ pid: 20 }), { ...here, processSpace: undefined }, STALE)).toBe(false);
  });
});

describe("deadLockHolders", () => {
  it("releases registered dead workers, and unregistered ones only once their oldest lock is older than the stale bound", () => {
    const registered = [worker({ workerId: "pool-alive" }), worker({ workerId: "pool-gone", pid: 20 })];
    const holders = [
      { workerId: "pool-alive", oldestLockAgeMs: STALE * 10 },
      { workerId: "pool-gone", oldestLockAgeMs: 10 },
      { workerId: "pool-unregistered-old", oldestLockAgeMs: STALE + 1 },
      // Just started: may not have registered yet.
      { workerId: "pool-unregistered-new", oldestLockAgeMs: 500 },
      { workerId: "pool-own", oldestLockAgeMs: STALE * 10 },
    ];
    expect(deadLockHolders(holders, registered, here, STALE)).toEqual(["pool-gone", "pool-unregistered-old"]);
  });
});
