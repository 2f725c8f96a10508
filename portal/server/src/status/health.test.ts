import type { CoreV1Event, V1ContainerStatus, V1Deployment, V1Pod, V1ReplicaSet } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { appStatus, podProblem, rolloutOf, worstHealth, type AppObjects } from "./health.js";
import { projectStatus } from "./project-status.js";

const NOW = Date.parse("2026-12-01T12:00:00Z");
const ago = (ms: number) => new Date(NOW - ms);

function deployment(replicas: number, status: V1Deployment["status"], generation = 1): V1Deployment {
  return {
    metadata: { name: "web", uid: "d-1", generation, labels: { "babyhelm.io/app": "web" } },
    spec: { replicas, selector: {}, template: {} },
    status: { observedGeneration: generation, ...status },
  };
}

const replicaSet: V1ReplicaSet = {
  metadata: { name: "web-abc", uid: "rs-1", labels: { "babyhelm.io/app": "web" }, ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name: "web", uid: "d-1" }] },
};

function pod(name: string, phase: string, container: Partial<V1ContainerStatus> = {}, extra: Partial<V1Pod> = {}): V1Pod {
  const ready = container.ready ?? phase === "Running";
  return {
    metadata: { name, labels: { "babyhelm.io/app": "web" }, ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "web-abc", uid: "rs-1" }], ...extra.metadata },
    spec: { containers: [{ name: "web", image: "nginx:1.27" }], nodeName: "kwok-node-0" },
    status: {
      phase,
      startTime: ago(60_000),
      conditions: [{ type: "Ready", status: ready ? "True" : "False" }, ...(extra.status?.conditions ?? [])],
      containerStatuses: phase === "Pending" && !container.state ? [] : [{ name: "web", image: "nginx:1.27", imageID: "", ready, restartCount: 0, ...container }],
    },
  };
}

const healthy = deployment(2, { replicas: 2, readyReplicas: 2, updatedReplicas: 2, availableReplicas: 2 });

function app(overrides: Partial<AppObjects>): AppObjects {
  return { name: "web", deployment: healthy, replicaSets: [replicaSet], pods: [pod("web-abc-1", "Running"), pod("web-abc-2", "Running")], events: [], ...overrides };
}

const crashLoop = (exitCode: number, reason = "Error"): Partial<V1ContainerStatus> => ({
  ready: false,
  restartCount: 5,
  state: { waiting: { reason: "CrashLoopBackOff", message: "back-off 5m0s restarting failed container" } },
  lastState: { terminated: { exitCode, reason, finishedAt: ago(30_000) } },
});

describe("a pod's problem", () => {
  it("names an image that cannot be pulled, and puts it before everything else", () => {
    const problem = podProblem(pod("p", "Pending", { ready: false, state: { waiting: { reason: "ImagePullBackOff", message: 'Back-off pulling image "nginx:nope"' } } }), NOW);
    expect(problem).toEqual({ code: "ImagePullBackOff", message: 'The image nginx:1.27 cannot be pulled: Back-off pulling image "nginx:nope"' });
    expect(podProblem(pod("p", "Pending", { ready: false, state: { waiting: { reason: "ErrImagePull" } } }), NOW)?.code).toBe("ErrImagePull");
  });

  it("gives a crash loop's last exit code and restarts, and says when memory ran out", () => {
    expect(podProblem(pod("p", "Running", crashLoop(1)), NOW)).toEqual({
      code: "CrashLoopBackOff",
      message: "The container keeps crashing: it exits with code 1; restarted 5 times.",
      exitCode: 1,
    });
    expect(podProblem(pod("p", "Running", crashLoop(137, "OOMKilled")), NOW)?.message).toContain("it ran out of memory (OOMKilled)");
  });

  it("reports a recent OOM kill of a pod that runs again, and forgets an old one", () => {
    const oom = (finishedAt: Date): Partial<V1ContainerStatus> => ({
      ready: true,
      restartCount: 1,
      state: { running: {} },
      lastState: { terminated: { exitCode: 137, reason: "OOMKilled", finishedAt } },
    });
    expect(podProblem(pod("p", "Running", oom(ago(60_000))), NOW)).toMatchObject({ code: "OOMKilled", exitCode: 137 });
    expect(podProblem(pod("p", "Running", oom(ago(60 * 60_000))), NOW)).toBeNull();
  });

  it("explains a container that cannot be configured", () => {
    const problem = podProblem(pod("p", "Pending", { ready: false, state: { waiting: { reason: "CreateContainerConfigError", message: 'secret "web-env" not found' } } }), NOW);
    expect(problem).toEqual({ code: "CreateContainerConfigError", message: 'The container cannot be configured: secret "web-env" not found' });
  });

  it("quotes the scheduler for a pod no node can take, and tells a merely pending pod apart", () => {
    const unschedulable = pod(
      "p",
      "Pending",
      {},
      { status: { conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message: "0/3 nodes are available: 3 Insufficient cpu." }] } },
    );
    expect(podProblem(unschedulable, NOW)).toEqual({ code: "Unschedulable", message: "No node can run the pod: 0/3 nodes are available: 3 Insufficient cpu." });
    expect(podProblem(pod("p", "Pending", {}, { status: { conditions: [{ type: "PodScheduled", status: "True" }] } }), NOW)).toEqual({
      code: "Pending",
      message: "The pod is starting.",
    });
  });

  it("says a pod is terminating, but a crash of the same pod comes first", () => {
    const terminating = { metadata: { name: "p", deletionTimestamp: ago(1000) } };
    expect(podProblem(pod("p", "Running", {}, terminating), NOW)?.code).toBe("Terminating");
    expect(podProblem(pod("p", "Running", crashLoop(2), terminating), NOW)?.code).toBe("CrashLoopBackOff");
  });

  it("has none for a ready pod, and NotReady for a running pod that fails its health check", () => {
    expect(podProblem(pod("p", "Running"), NOW)).toBeNull();
    expect(podProblem(pod("p", "Running", { ready: false, state: { running: {} } }), NOW)?.code).toBe("NotReady");
  });
});

describe("a rollout", () => {
  it("is complete when every desired pod is updated and available, and no old pod is left", () => {
    expect(rolloutOf(healthy).state).toBe("complete");
    expect(rolloutOf(deployment(2, { replicas: 3, readyReplicas: 3, updatedReplicas: 2, availableReplicas: 3 })).state).toBe("progressing");
    expect(rolloutOf(deployment(2, { replicas: 2, updatedReplicas: 2, availableReplicas: 2, observedGeneration: 1 }, 2)).state).toBe("progressing");
  });

  it("stays complete when a pod crashes after the new ReplicaSet became available: the app is degraded, not rolling", () => {
    const crashedSince = deployment(1, {
      replicas: 1,
      readyReplicas: 0,
      updatedReplicas: 1,
      availableReplicas: 0,
      conditions: [{ type: "Progressing", status: "True", reason: "NewReplicaSetAvailable", message: 'ReplicaSet "web-abc" has successfully progressed.' }],
    });
    expect(rolloutOf(crashedSince)).toEqual({ state: "complete", reason: null, message: null });
    expect(appStatus(app({ deployment: crashedSince, pods: [pod("web-abc-1", "Running", crashLoop(1))] }), NOW)).toMatchObject({
      health: "degraded",
      rollout: { state: "complete" },
    });
  });

  it("is stalled past its deadline, or when pods cannot be created (e.g. the quota), with the controller's words", () => {
    const deadline = deployment(1, {
      conditions: [{ type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded", message: 'ReplicaSet "web-abc" has timed out progressing.' }],
    });
    expect(rolloutOf(deadline)).toEqual({ state: "stalled", reason: "ProgressDeadlineExceeded", message: 'ReplicaSet "web-abc" has timed out progressing.' });
    const quota = deployment(1, {
      conditions: [{ type: "ReplicaFailure", status: "True", reason: "FailedCreate", message: 'pods "web-abc-x" is forbidden: exceeded quota: babyhelm-quota' }],
    });
    expect(rolloutOf(quota)).toMatchObject({ state: "stalled", reason: "FailedCreate" });
  });
});

describe("an app's health", () => {
  it("is healthy when all pods are ready and the rollout is complete", () => {
    const status = appStatus(app({}), NOW);
    expect(status).toMatchObject({ health: "healthy", reason: null, replicas: { desired: 2, ready: 2, updated: 2, available: 2 }, rollout: { state: "complete" } });
    expect(status.pods.map((p) => p.name)).toEqual(["web-abc-1", "web-abc-2"]);
  });

  it("is degraded by a crashing pod, with the reason in words and how many pods it hits", () => {
    const status = appStatus(
      app({
        deployment: deployment(2, { replicas: 2, readyReplicas: 1, updatedReplicas: 2, availableReplicas: 1 }),
        pods: [pod("web-abc-1", "Running", crashLoop(1)), pod("web-abc-2", "Running")],
      }),
      NOW,
    );
    expect(status.health).toBe("degraded");
    expect(status.reason).toBe("CrashLoopBackOff (1 of 2 pods): The container keeps crashing: it exits with code 1; restarted 5 times.");
    expect(status.pods[0]).toMatchObject({ restarts: 5, lastRestartAt: ago(30_000).toISOString(), ready: false });
  });

  it("is progressing during a rollout, and degraded once it stalls", () => {
    const rolling = deployment(2, { replicas: 3, readyReplicas: 2, updatedReplicas: 1, availableReplicas: 2 });
    expect(appStatus(app({ deployment: rolling, pods: [pod("web-abc-1", "Running"), pod("web-abc-2", "Running"), pod("web-abc-3", "Pending")] }), NOW)).toMatchObject({
      health: "progressing",
    });
    const stalled = deployment(1, { conditions: [{ type: "ReplicaFailure", status: "True", reason: "FailedCreate", message: "exceeded quota" }] });
    expect(appStatus(app({ deployment: stalled, pods: [] }), NOW)).toMatchObject({ health: "degraded", reason: "The rollout is stuck (FailedCreate): exceeded quota" });
  });

  it("is missing without a Deployment", () => {
    expect(appStatus(app({ deployment: undefined, replicaSets: [], pods: [] }), NOW)).toMatchObject({ health: "missing", pods: [] });
  });

  it("never counts another app's pods, even with the same label", () => {
    const stranger = pod("web-zzz-1", "Running", crashLoop(1));
    stranger.metadata!.ownerReferences = [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "web-zzz", uid: "rs-other" }];
    const status = appStatus(app({ pods: [pod("web-abc-1", "Running"), pod("web-abc-2", "Running"), stranger] }), NOW);
    expect(status.health).toBe("healthy");
    expect(status.pods).toHaveLength(2);
  });

  it("lists the recent warnings of its own objects, also of pods already gone, newest first", () => {
    const event = (kind: string, name: string, reason: string, at: Date, type = "Warning"): CoreV1Event => ({
      metadata: { name: `${name}.${reason}` },
      involvedObject: { kind, name },
      reason,
      message: `${reason} of ${name}`,
      type,
      count: 3,
      lastTimestamp: at,
    });
    const events = [
      event("Pod", "web-abc-old", "BackOff", ago(10_000)),
      event("Deployment", "web", "Whatever", ago(5_000)),
      event("Pod", "api-xyz-1", "BackOff", ago(1_000)),
      event("Pod", "web-abc-1", "Pulled", ago(1_000), "Normal"),
      event("ReplicaSet", "web-abc", "FailedCreate", ago(2 * 3600_000)),
    ];
    const status = appStatus(app({ events }), NOW);
    expect(status.events.map((e) => `${e.object.kind}/${e.object.name} ${e.reason}`)).toEqual(["Deployment/web Whatever", "Pod/web-abc-old BackOff"]);
    expect(status.events[0]).toMatchObject({ type: "Warning", count: 3, lastSeen: ago(5_000).toISOString() });
  });

  it("shows the autoscaler's replicas and whether the Ingress is served", () => {
    const status = appStatus(
      app({
        autoscaler: { spec: { minReplicas: 2, maxReplicas: 5, scaleTargetRef: { kind: "Deployment", name: "web" } }, status: { currentReplicas: 2, desiredReplicas: 3 } },
        ingress: { spec: { rules: [{ host: "shop.example.com" }], tls: [{ hosts: ["shop.example.com"] }] }, status: { loadBalancer: { ingress: [{ ip: "10.0.0.1" }] } } },
      }),
      NOW,
    );
    expect(status.autoscaler).toEqual({ current: 2, desired: 3, min: 2, max: 5 });
    expect(status.ingress).toEqual({ url: "https://shop.example.com/", served: true, address: "10.0.0.1" });
    expect(appStatus(app({ ingress: { spec: { rules: [{ host: "a.example.com" }] } } }), NOW).ingress).toEqual({ url: "http://a.example.com/", served: false, address: null });
  });
});

describe("a project's health", () => {
  it("is its worst app's, and lists spec apps first, then apps still running that the spec dropped", () => {
    expect(worstHealth(["healthy", "progressing", "degraded", "missing"])).toBe("degraded");
    expect(worstHealth(["healthy", "progressing"])).toBe("progressing");
    expect(worstHealth([])).toBe("healthy");
    const objects = {
      deployments: [healthy],
      replicaSets: [replicaSet],
      pods: [pod("web-abc-1", "Running"), pod("web-abc-2", "Running")],
      autoscalers: [],
      ingresses: [],
      events: [],
      quotas: [{ metadata: { name: "babyhelm-quota" }, status: { hard: { pods: "10" }, used: { pods: "2" } } }],
    };
    const status = projectStatus("shop", ["api"], objects, NOW);
    expect(status.apps.map((a) => [a.name, a.health])).toEqual([
      ["api", "missing"],
      ["web", "healthy"],
    ]);
    expect(status).toMatchObject({ project: "shop", cluster: "connected", deployed: true, health: "missing", quota: { hard: { pods: "10" }, used: { pods: "2" } } });
  });
});
