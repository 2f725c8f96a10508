/**
 * The status, logs and restart of apps that the portal deployed for real (toolchain CLI and provider, the
 * test run's local cluster). Failures are put into pods as a kubelet would report them (the pod status
 * subresource) or made real (the scheduler refusing a pod no node fits); logs come from kwok's log
 * simulation, read through the API server.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { AppsV1Api, CoreV1Api, type V1ContainerStatus, type V1Pod } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pulumiHome } from "../../../../toolchain/tools.mjs";
import { freePort } from "../db/embedded.js";
import { realPlatform } from "../test-support/cluster.js";
import { simulateLogs, type SimulatedLogs } from "../test-support/pod-logs.js";
import { crashLooping, reportContainer as report, runningPods } from "../test-support/pod-status.js";
import { signUp, startTestPortal, type TestPortal } from "../test-support/portal.js";
import { createProject, deploy, waitForDeployment } from "../test-support/projects.js";
import type { AppStatus, ProjectStatus } from "./types.js";

const suffix = randomBytes(3).toString("hex");
const name = `status-${suffix}`;
const otherName = `other-${suffix}`;
const web = { name: "web", image: "nginx:1.27", port: 80, replicas: 2, domain: `web.${name}.example.test` };
const worker = { name: "worker", image: "busybox:1.36", command: ["sleep", "3600"] };
const api = { name: "api", image: "busybox:1.36", command: ["sleep", "3600"] };

let portal: TestPortal;
let owner: string;
let viewer: string;
let stranger: string;

async function deployAndWait(cookie: string, project: string) {
  const finished = await waitForDeployment(portal, cookie, project, await deploy(portal, cookie, project), 240_000);
  expect(finished.status, `${finished.error}\n${finished.log}`).toBe("succeeded");
  return finished;
}

async function status(cookie = owner, project = name): Promise<ProjectStatus> {
  const answer = await portal.request("GET", `/api/projects/${project}/status`, { cookie });
  expect(answer.status, answer.text).toBe(200);
  return answer.json as ProjectStatus;
}

/** Asks until `check` holds (kwok and the controllers take a moment), then returns that answer. */
async function statusUntil(check: (answer: ProjectStatus) => boolean, what: string, timeoutMs = 60_000): Promise<ProjectStatus> {
  let last: ProjectStatus | undefined;
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(300)) {
    last = await status();
    if (check(last)) return last;
  }
  throw new Error(`the status never showed ${what}; last answer: ${JSON.stringify(last, null, 2)}`);
}

const appIn = (answer: ProjectStatus, app: string): AppStatus => answer.apps.find((candidate) => candidate.name === app)!;

describe.skipIf(!realPlatform)("what runs, read from the cluster", () => {
  const platform = realPlatform!;
  const core = () => platform.kube.makeApiClient(CoreV1Api);
  const apps = () => platform.kube.makeApiClient(AppsV1Api);
  const podsOf = (app: string, namespace = name) => runningPods(platform.kube, namespace, app);
  const reportContainer = (pod: V1Pod, ready: boolean, container: Partial<V1ContainerStatus>) => report(platform.kube, pod, ready, container);
  const simulated: SimulatedLogs[] = [];

  beforeAll(async () => {
    portal = await startTestPortal({ env: { DEPLOY_ENGINE: "pulumi", KUBECONFIG: platform.kubeconfig, PULUMI_HOME: pulumiHome() } });
    owner = await signUp(portal, "status-owner@example.com");
    viewer = await signUp(portal, "status-viewer@example.com");
    stranger = await signUp(portal, "status-stranger@example.com");
    await createProject(portal, owner, name, [web, worker, api], { cpu: "2", memory: "2Gi", pods: 10 });
    const added = await portal.request("POST", `/api/projects/${name}/members`, { cookie: owner, body: { email: "status-viewer@example.com", role: "viewer" } });
    expect(added.status, added.text).toBeLessThan(300);
    await createProject(portal, stranger, otherName, [{ name: "web", image: "nginx:1.27", port: 80 }]);
    await Promise.all([deployAndWait(owner, name), deployAndWait(stranger, otherName)]);
  }, 300_000);

  afterAll(async () => {
    await Promise.all(simulated.map((logs) => logs.remove().catch(() => undefined)));
    await portal?.stop();
  });

  it("shows every member each app's replicas, rollout, pods, Ingress and the quota used; 404 to others", async () => {
    // The API server's quota controller counts the pods a moment after they run: wait for its count too.
    const answer = await statusUntil((candidate) => candidate.health === "healthy" && candidate.quota?.used.pods === "4", "a healthy project with its pods counted");
    expect(answer).toMatchObject({ project: name, cluster: "connected", deployed: true, health: "healthy", message: null });
    expect(answer.apps.map((app) => app.name)).toEqual(["web", "worker", "api"]);
    const webStatus = appIn(answer, "web");
    expect(webStatus).toMatchObject({
      health: "healthy",
      reason: null,
      replicas: { desired: 2, ready: 2, updated: 2, available: 2 },
      rollout: { state: "complete" },
      autoscaler: null,
      // The test platform names a TLS issuer, so the Ingress carries TLS for the domain.
      ingress: { url: `https://web.${name}.example.test/`, served: true, address: "127.0.0.1" },
    });
    expect(webStatus.pods).toHaveLength(2);
    for (const pod of webStatus.pods) expect(pod).toMatchObject({ phase: "Running", ready: true, restarts: 0, problem: null, node: expect.stringMatching(/^kwok-node-/) });
    expect(answer.quota?.hard).toMatchObject({ pods: "10", "requests.cpu": "2" });
    expect(answer.quota?.used).toMatchObject({ pods: "4", "requests.cpu": "400m" });

    expect((await status(viewer)).health).toBe("healthy");
    const refused = await portal.request("GET", `/api/projects/${name}/status`, { cookie: stranger });
    expect(refused.status).toBe(404);
    expect((await portal.request("GET", `/api/projects/${name}/status`)).status).toBe(401);
    // The stranger's own project answers them, and only their app.
    expect((await status(stranger, otherName)).apps.map((app) => app.name)).toEqual(["web"]);
  }, 90_000);

  it("reports a crash loop with its exit code, restarts and the kubelet's warning, and recovery once the pod is replaced", async () => {
    const [pod] = await podsOf("web");
    await reportContainer(pod!, false, crashLooping(1, 4));
    await core().createNamespacedEvent({
      namespace: name,
      body: {
        metadata: { name: `${pod!.metadata!.name}.backoff`, namespace: name },
        involvedObject: { kind: "Pod", name: pod!.metadata!.name, namespace: name, uid: pod!.metadata!.uid },
        reason: "BackOff",
        message: "Back-off restarting failed container web",
        type: "Warning",
        count: 4,
        firstTimestamp: new Date(),
        lastTimestamp: new Date(),
        source: { component: "kubelet" },
      },
    });
    const degraded = await statusUntil((answer) => appIn(answer, "web").health === "degraded" && appIn(answer, "web").events.length > 0, "web degraded with its warning");
    const webStatus = appIn(degraded, "web");
    expect(degraded.health).toBe("degraded");
    expect(webStatus.reason).toBe("CrashLoopBackOff (1 of 2 pods): The container keeps crashing: it exits with code 1; restarted 4 times.");
    expect(webStatus.replicas.ready).toBe(1);
    expect(webStatus.pods.find((candidate) => candidate.name === pod!.metadata!.name)).toMatchObject({
      ready: false,
      restarts: 4,
      problem: { code: "CrashLoopBackOff", exitCode: 1 },
      lastRestartAt: expect.any(String),
    });
    expect(webStatus.events[0]).toMatchObject({ type: "Warning", reason: "BackOff", object: { kind: "Pod", name: pod!.metadata!.name }, count: 4 });
    expect(appIn(degraded, "worker").health).toBe("healthy");

    await core().deleteNamespacedPod({ name: pod!.metadata!.name!, namespace: name, gracePeriodSeconds: 0 });
    const recovered = await statusUntil((answer) => appIn(answer, "web").health === "healthy" && appIn(answer, "web").pods.length === 2, "web healthy again");
    expect(recovered.apps.every((app) => app.health === "healthy")).toBe(true);
  }, 90_000);

  it("reports a container killed for its memory, although it runs again", async () => {
    const [pod] = await podsOf("worker");
    await reportContainer(pod!, true, {
      restartCount: 1,
      state: { running: { startedAt: new Date() } },
      lastState: { terminated: { exitCode: 137, reason: "OOMKilled", startedAt: new Date(Date.now() - 60_000), finishedAt: new Date() } },
    });
    const answer = await statusUntil((candidate) => appIn(candidate, "worker").health === "degraded", "worker degraded");
    expect(appIn(answer, "worker").reason).toBe("OOMKilled: The container ran out of memory and was killed (exit code 137); give it more memory.");
    expect(appIn(answer, "worker").pods[0]).toMatchObject({ restarts: 1, problem: { code: "OOMKilled", exitCode: 137 } });
    await core().deleteNamespacedPod({ name: pod!.metadata!.name!, namespace: name, gracePeriodSeconds: 0 });
    await statusUntil((candidate) => appIn(candidate, "worker").health === "healthy" && appIn(candidate, "worker").pods.length === 1, "worker healthy again");
  }, 60_000);

  it("names an image that cannot be pulled, with the kubelet's words, while the old pod keeps serving", async () => {
    // The local cluster's own stage (scripts/cluster/stages) plays a registry without this image.
    await apps().patchNamespacedDeployment({
      name: "api",
      namespace: name,
      body: [{ op: "replace", path: "/spec/template/spec/containers/0/image", value: "babyhelm.invalid/image-pull-backoff" }],
    });
    const answer = await statusUntil((candidate) => appIn(candidate, "api").health === "degraded" && appIn(candidate, "api").events.length > 0, "api degraded by its image");
    const apiStatus = appIn(answer, "api");
    expect(apiStatus.reason).toBe(
      'ImagePullBackOff (1 of 2 pods): The image babyhelm.invalid/image-pull-backoff cannot be pulled: Back-off pulling image "babyhelm.invalid/image-pull-backoff"',
    );
    expect(apiStatus).toMatchObject({ replicas: { desired: 1, ready: 1, available: 1 }, rollout: { state: "progressing" } });
    expect(apiStatus.pods.map((pod) => pod.problem?.code ?? "ok").sort()).toEqual(["ImagePullBackOff", "ok"]);
    expect(apiStatus.events[0]).toMatchObject({ reason: "Failed", object: { kind: "Pod" } });
  }, 60_000);

  it("quotes the scheduler for a pod no node has room for, and the quota controller for a pod it refuses", async () => {
    // A change made behind the portal's back, as kubectl would: a pod bigger than any node (32 CPUs).
    await core().patchNamespacedResourceQuota({
      name: "babyhelm-quota",
      namespace: name,
      body: [
        { op: "replace", path: "/spec/hard/requests.cpu", value: "100" },
        { op: "replace", path: "/spec/hard/limits.cpu", value: "100" },
      ],
    });
    const resources = (cpu: string) => [
      { op: "replace", path: "/spec/template/spec/containers/0/resources", value: { requests: { cpu, memory: "64Mi" }, limits: { cpu, memory: "64Mi" } } },
    ];
    await apps().patchNamespacedDeployment({ name: "worker", namespace: name, body: resources("40") });
    const pending = await statusUntil((answer) => appIn(answer, "worker").pods.some((pod) => pod.problem?.code === "Unschedulable"), "an unschedulable worker pod");
    const problem = appIn(pending, "worker").pods.find((pod) => pod.problem?.code === "Unschedulable")!.problem!;
    expect(problem.message).toMatch(/^No node can run the pod: 0\/3 nodes are available: 3 Insufficient cpu/);
    expect(appIn(pending, "worker")).toMatchObject({ health: "degraded", rollout: { state: "progressing" } });

    await core().patchNamespacedResourceQuota({
      name: "babyhelm-quota",
      namespace: name,
      body: [
        { op: "replace", path: "/spec/hard/requests.cpu", value: "2" },
        { op: "replace", path: "/spec/hard/limits.cpu", value: "2" },
      ],
    });
    await apps().patchNamespacedDeployment({ name: "worker", namespace: name, body: resources("5") });
    const refused = await statusUntil((answer) => appIn(answer, "worker").rollout.state === "stalled", "a stalled worker rollout");
    expect(appIn(refused, "worker").reason).toMatch(/^The rollout is stuck \(FailedCreate\): .*exceeded quota: babyhelm-quota/);
  }, 90_000);

  it("streams an app's logs to developers, labelled by pod, once or followed; viewers and strangers get none", async () => {
    const pods = await podsOf("web");
    for (const pod of pods) {
      const logs = await simulateLogs(platform.kube, { namespace: name, podName: pod.metadata!.name!, container: "web" });
      simulated.push(logs);
      logs.append([`${pod.metadata!.name} starting`, `${pod.metadata!.name} listening on :80`]);
      logs.appendPrevious(`${pod.metadata!.name} panic: the last run`);
    }
    const base = `/api/projects/${name}/apps/web/logs`;
    const once = await portal.request("GET", `${base}?tailLines=1`, { cookie: owner });
    expect(once.status, once.text).toBe(200);
    expect(once.headers.get("content-type")).toContain("text/plain");
    expect(once.text.trim().split("\n").sort()).toEqual(pods.map((pod) => `[${pod.metadata!.name}] ${pod.metadata!.name} listening on :80`).sort());
    const previous = await portal.request("GET", `${base}?previous=true&pod=${pods[0]!.metadata!.name}`, { cookie: owner });
    expect(previous.text).toBe(`[${pods[0]!.metadata!.name}] ${pods[0]!.metadata!.name} panic: the last run\n`);

    // Followed as server-sent events: what is appended later arrives, and leaving ends it.
    const controller = new AbortController();
    const response = await fetch(`${portal.url}${base}?follow=true&tailLines=1&pod=${pods[1]!.metadata!.name}`, {
      headers: { cookie: owner, accept: "text/event-stream" },
      signal: controller.signal,
    });
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const reader = response.body!.getReader();
    let received = "";
    const until = async (text: string) => {
      for (const deadline = Date.now() + 15_000; !received.includes(text);) {
        if (Date.now() > deadline) throw new Error(`never received ${text}; got ${received}`);
        const { value, done } = await reader.read();
        if (done) throw new Error(`the stream ended before ${text}; got ${received}`);
        received += Buffer.from(value).toString();
      }
    };
    await until("listening on :80");
    simulated[1]!.append("GET / 200");
    await until("GET / 200");
    const line = received.split("\n\n").find((block) => block.includes("GET / 200"))!;
    expect(line).toMatch(/^event: line\ndata: /);
    expect(JSON.parse(line.split("data: ")[1]!)).toMatchObject({ pod: pods[1]!.metadata!.name, container: "web", text: "GET / 200", time: expect.any(String) });
    controller.abort();

    expect((await portal.request("GET", base, { cookie: viewer })).status).toBe(403);
    expect((await portal.request("GET", base, { cookie: stranger })).status).toBe(404);
  }, 90_000);

  it("never lets a parameter reach another app's or another project's pods", async () => {
    const base = `/api/projects/${name}/apps/web/logs`;
    const [workerPod] = await podsOf("worker");
    const [foreignPod] = await podsOf("web", otherName);
    const refusals = {
      [`pod=${workerPod!.metadata!.name}`]: 404,
      [`pod=${foreignPod!.metadata!.name}`]: 404,
      "pod=..%2F..%2Fkube-system%2Fpods%2Fx": 400,
      "pod=web&pod=worker": 400,
      "labelSelector=babyhelm.io%2Fapp%3Dworker": 400,
      "namespace=kube-system": 400,
      "container=worker": 400,
      "tailLines=100000": 400,
      "follow=yes": 400,
    };
    for (const [query, expected] of Object.entries(refusals)) {
      const answer = await portal.request("GET", `${base}?${query}`, { cookie: owner });
      expect(`${query} -> ${answer.status}`, answer.text).toBe(`${query} -> ${expected}`);
      expect(answer.json?.error?.code, query).toBeTruthy();
    }
    expect((await portal.request("GET", `/api/projects/${name}/apps/nope/logs`, { cookie: owner })).status).toBe(404);
    expect((await portal.request("GET", `/api/projects/${otherName}/apps/web/logs`, { cookie: owner })).status).toBe(404);
  }, 60_000);

  it("restarts an app by deploying a new restartedAt: new pods, the annotation in the stack, nothing else changed", async () => {
    // The worker was edited behind the portal's back above; web is restarted here.
    const before = (await podsOf("web")).map((pod) => pod.metadata!.name).sort();
    const restarted = await portal.request("POST", `/api/projects/${name}/apps/web/restart`, { cookie: owner, body: {} });
    expect(restarted.status, restarted.text).toBe(202);
    const finished = await waitForDeployment(portal, owner, name, restarted.json.deployment.id, 240_000);
    expect(finished.status, `${finished.error}\n${finished.log}`).toBe("succeeded");
    // One object changed (web's Deployment), none replaced, created or deleted.
    expect(finished.summary).toMatchObject({ update: 1 });
    expect(Object.keys(finished.summary ?? {}).sort()).toEqual(["same", "update"]);
    const { json: app } = await portal.request("GET", `/api/projects/${name}/apps/web`, { cookie: owner });
    expect(app.app.restartedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const deployment = await apps().readNamespacedDeployment({ name: "web", namespace: name });
    expect(deployment.spec!.template.metadata!.annotations).toMatchObject({ "babyhelm.io/restarted-at": app.app.restartedAt });
    const after = await statusUntil(
      (answer) => appIn(answer, "web").health === "healthy" && appIn(answer, "web").pods.every((pod) => !before.includes(pod.name)),
      "web's new pods",
    );
    expect(appIn(after, "web").pods).toHaveLength(2);
    expect((await portal.request("POST", `/api/projects/${name}/apps/web/restart`, { cookie: viewer, body: {} })).status).toBe(403);
  }, 300_000);
});

describe("a project's status without a cluster, or before its first deploy", () => {
  it("answers what it knows, never an error", async () => {
    const portalWithout = await startTestPortal({ env: { DEPLOY_ENGINE: "mock" } });
    try {
      const cookie = await signUp(portalWithout, "no-cluster@example.com");
      await createProject(portalWithout, cookie, "lonely");
      const answer = await portalWithout.request("GET", "/api/projects/lonely/status", { cookie });
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({ project: "lonely", cluster: "not_configured", deployed: false, health: null, apps: [], quota: null });
      expect(answer.json.message).toContain("not connected to a cluster");
      const logs = await portalWithout.request("GET", "/api/projects/lonely/apps/web/logs", { cookie });
      expect(logs.status).toBe(409);
      expect(logs.json.error.code).toBe("no_cluster");
    } finally {
      await portalWithout.stop();
    }
  }, 60_000);

  it.skipIf(!realPlatform)(
    "says a project has not been deployed, and that a cluster that does not answer is unreachable",
    async () => {
      const platform = realPlatform!;
      const connected = await startTestPortal({ env: { DEPLOY_ENGINE: "mock", KUBECONFIG: platform.kubeconfig } });
      try {
        const cookie = await signUp(connected, "never@example.com");
        await createProject(connected, cookie, `never-${suffix}`);
        const answer = await connected.request("GET", `/api/projects/never-${suffix}/status`, { cookie });
        expect(answer.json).toMatchObject({ cluster: "connected", deployed: false, health: "missing", apps: [] });
        expect(answer.json.message).toContain("has not been deployed yet");
      } finally {
        await connected.stop();
      }
      // A kubeconfig whose API server is gone: a closed loopback port.
      const dir = mkdtempSync(join(tmpdir(), "babyhelm-kubeconfig-"));
      const gone = join(dir, "kubeconfig");
      writeFileSync(gone, readFileSync(platform.kubeconfig, "utf8").replace(/https:\/\/127\.0\.0\.1:\d+/, `https://127.0.0.1:${await freePort()}`));
      const unreachable = await startTestPortal({ env: { DEPLOY_ENGINE: "mock", KUBECONFIG: gone } });
      try {
        const cookie = await signUp(unreachable, "gone@example.com");
        await createProject(unreachable, cookie, "gone");
        const answer = await unreachable.request("GET", "/api/projects/gone/status", { cookie });
        expect(answer.status).toBe(200);
        expect(answer.json).toMatchObject({ cluster: "unreachable", deployed: false, health: null, apps: [] });
        expect(answer.json.message).toContain("does not answer");
      } finally {
        await unreachable.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
