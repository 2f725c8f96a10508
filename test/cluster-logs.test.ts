/**
 * Pod logs through the API server of the local cluster, read with client-node as the portal reads them on
 * a real cluster: kwok serves them from files a test controls (test-support/pod-logs.ts). Shown: all of a
 * container's log, `tailLines`, `sinceSeconds` (by each line's time), one container of two, the previous
 * container's log, a follow stream receiving a line appended later, and every pod of a label selector.
 */
import { randomBytes } from "node:crypto";
import { PassThrough } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { CoreV1Api, Log, type V1Pod } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { realPlatform } from "../portal/server/src/test-support/cluster.js";
import { simulateLogs, type SimulatedLogs } from "../portal/server/src/test-support/pod-logs.js";

const namespace = `logs-${randomBytes(4).toString("hex")}`;
const simulated: SimulatedLogs[] = [];

function pod(name: string, labels: Record<string, string>, containers: string[]): V1Pod {
  return {
    metadata: { name, labels },
    spec: { containers: containers.map((container) => ({ name: container, image: "registry.example/app:1" })) },
  };
}

async function untilRunning(core: CoreV1Api, name: string): Promise<void> {
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(200)) {
    const current = await core.readNamespacedPod({ namespace, name });
    if (current.status?.phase === "Running" && current.spec?.nodeName) return;
  }
  throw new Error(`${namespace}/${name} is not Running`);
}

/** The text lines of a log response. */
const lines = (log: string) => log.split("\n").filter((line) => line !== "");

describe.skipIf(!realPlatform)("pod logs through the API server (kwok)", () => {
  const kube = realPlatform!.kube;
  const core = kube.makeApiClient(CoreV1Api);

  beforeAll(async () => {
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    await core.createNamespacedPod({ namespace, body: pod("api-0", { app: "api" }, ["app", "sidecar"]) });
    await core.createNamespacedPod({ namespace, body: pod("web-0", { app: "web" }, ["web"]) });
    await core.createNamespacedPod({ namespace, body: pod("web-1", { app: "web" }, ["web"]) });
    for (const name of ["api-0", "web-0", "web-1"]) await untilRunning(core, name);
  });

  afterAll(async () => {
    for (const logs of simulated) await logs.remove();
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
  });

  it("reads a container's log, its tail, the lines since a time and the previous container's log", async () => {
    const app = await simulateLogs(kube, { namespace, podName: "api-0", container: "app" });
    const sidecar = await simulateLogs(kube, { namespace, podName: "api-0", container: "sidecar" });
    simulated.push(app, sidecar);
    const anHourAgo = new Date(Date.now() - 3600_000);
    app.append(["starting", "config loaded"], { time: anHourAgo });
    app.append(["listening on :8080", "GET /healthz 200"]);
    app.append("warning: slow request", { stream: "stderr" });
    app.appendPrevious(["panic: out of memory"], { time: anHourAgo, stream: "stderr" });
    sidecar.append("proxy ready");

    const read = (options: Omit<Parameters<CoreV1Api["readNamespacedPodLog"]>[0], "namespace" | "name">) => core.readNamespacedPodLog({ namespace, name: "api-0", ...options });
    expect(lines(await read({ container: "app" }))).toEqual(["starting", "config loaded", "listening on :8080", "GET /healthz 200", "warning: slow request"]);
    expect(lines(await read({ container: "app", tailLines: 2 }))).toEqual(["GET /healthz 200", "warning: slow request"]);
    expect(lines(await read({ container: "app", sinceSeconds: 600 }))).toEqual(["listening on :8080", "GET /healthz 200", "warning: slow request"]);
    expect(lines(await read({ container: "app", previous: true }))).toEqual(["panic: out of memory"]);
    expect(lines(await read({ container: "sidecar" }))).toEqual(["proxy ready"]);
    const stamped = lines(await read({ container: "app", timestamps: true, tailLines: 1 }));
    expect(stamped).toHaveLength(1);
    expect(stamped[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z warning: slow request$/);

    // A container the pod does not have is the API server's own refusal, as on a real cluster.
    await expect(read({ container: "nope" })).rejects.toMatchObject({ code: 400 });
  });

  it("follows a log: a line appended later arrives on the open stream", async () => {
    const logs = await simulateLogs(kube, { namespace, podName: "api-0", container: "app" });
    simulated.push(logs);
    logs.append(["before follow"]);

    const stream = new PassThrough();
    let received = "";
    stream.on("data", (chunk: Buffer) => (received += chunk.toString("utf8")));
    const until = async (text: string) => {
      for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(50)) if (received.includes(text)) return;
      throw new Error(`the follow stream did not deliver ${JSON.stringify(text)}; it has ${JSON.stringify(received)}`);
    };
    const request = await new Log(kube).log(namespace, "api-0", "app", stream, { follow: true, tailLines: 1 });
    try {
      await until("before follow\n");
      logs.append("appended while following");
      await until("appended while following\n");
      expect(lines(received)).toEqual(["before follow", "appended while following"]);
    } finally {
      request.abort();
    }
  });

  it("gives every pod a label selector matches the same log", async () => {
    const logs = await simulateLogs(kube, { namespace, selector: "app=web" });
    simulated.push(logs);
    expect(logs.pods?.sort()).toEqual(["web-0", "web-1"]);
    logs.append(["served by every web pod"]);
    for (const name of ["web-0", "web-1"]) {
      expect(lines(await core.readNamespacedPodLog({ namespace, name }))).toEqual(["served by every web pod"]);
    }
    // Taken away, the pods have no logs any more: kwok's own refusal, passed on by the API server.
    await logs.remove();
    let refusal: unknown;
    for (const deadline = Date.now() + 10_000; !refusal && Date.now() < deadline; await sleep(100)) {
      refusal = await core.readNamespacedPodLog({ namespace, name: "web-0" }).then(
        () => undefined,
        (error: unknown) => error,
      );
    }
    expect(refusal).toMatchObject({ code: 400 });
    const status = JSON.parse(String((refusal as { body: unknown }).body)) as { message: string };
    expect(status.message).toMatch(/no logs found for container "web"/);
  });
});
