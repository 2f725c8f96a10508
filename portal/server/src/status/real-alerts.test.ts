/**
 * Health alerts for an app deployed for real to the local cluster, watched by two portal processes on one
 * database: the owner's mail (a real SMTP server per portal) and the project's webhook (a real HTTP server
 * that refuses the first delivery) each arrive once per change.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { AppsV1Api, CoreV1Api } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pulumiHome } from "../../../../toolchain/tools.mjs";
import { realPlatform } from "../test-support/cluster.js";
import { crashLooping, reportContainer, runningPods } from "../test-support/pod-status.js";
import { signUp, startTestPortal, type TestPortal } from "../test-support/portal.js";
import { createProject, deploy, waitForDeployment } from "../test-support/projects.js";
import type { CapturedMail } from "../test-support/smtp.js";
import { webhookSignature } from "../services/webhooks.js";

const suffix = randomBytes(3).toString("hex");
const name = `alerts-${suffix}`;
const foreign = `foreign-${suffix}`;

interface Delivery {
  headers: IncomingHttpHeaders;
  body: string;
  answered: number;
}

describe.skipIf(!realPlatform)("health alerts", () => {
  const platform = realPlatform!;
  const core = () => platform.kube.makeApiClient(CoreV1Api);
  let first: TestPortal;
  let second: TestPortal;
  let owner: string;
  let secret: string;
  let receiver: Server;
  let receiverUrl: string;
  const deliveries: Delivery[] = [];
  let stateDir: string | undefined;

  const mails = (): CapturedMail[] => [...first.smtp.mails, ...second.smtp.mails].filter((mail) => mail.subject.startsWith(`${name}/`));
  const accepted = () => deliveries.filter((delivery) => delivery.answered === 204);
  async function until<T>(what: string, read: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
    for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(200)) {
      const value = await read();
      if (value) return value;
    }
    throw new Error(
      `never saw ${what}; mails: ${JSON.stringify(mails().map((mail) => mail.subject))}; deliveries: ${deliveries.length}; job log: ${[...first.logs, ...second.logs]
        .join("")
        .split("\n")
        .filter((line) => /deliver_webhook|health alert|"webhook/.test(line))
        .join("\n")
        .slice(-3000)}`,
    );
  }
  const alerts = async () =>
    (await first.request("GET", `/api/projects/${name}/alerts`, { cookie: owner })).json.items as {
      kind: string;
      reason: string;
      mailedTo: number;
      webhook: { status: string; attempts: number } | null;
    }[];
  const deployAndWait = async () => {
    const finished = await waitForDeployment(first, owner, name, await deploy(first, owner, name), 240_000);
    expect(finished.status, `${finished.error}\n${finished.log}`).toBe("succeeded");
  };

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => (body += chunk));
      request.on("end", () => {
        // The first delivery fails, as a receiver being deployed would: the job must try again.
        const answered = deliveries.length === 0 ? 503 : 204;
        deliveries.push({ headers: request.headers, body, answered });
        response.writeHead(answered).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hooks/babyhelm`;

    // Two processes of one portal: one database, one Pulumi backend, one SECRETS_KEY, each with its own worker and watcher.
    stateDir = mkdtempSync(join(tmpdir(), "babyhelm-alerts-state-"));
    const shared = {
      DEPLOY_ENGINE: "pulumi",
      KUBECONFIG: platform.kubeconfig,
      PULUMI_HOME: pulumiHome(),
      PULUMI_BACKEND_URL: `file://${stateDir}`,
      PULUMI_CONFIG_PASSPHRASE: randomBytes(16).toString("hex"),
      HEALTH_WATCH_INTERVAL_MS: "300",
      SECRETS_KEY: randomBytes(32).toString("base64"),
      SESSION_SECRET: randomBytes(32).toString("hex"),
    };
    first = await startTestPortal({ env: shared });
    // Signed up before the second process starts: its worker could otherwise send the confirmation mail.
    owner = await signUp(first, "alerts-owner@example.com");
    second = await startTestPortal({ env: { ...shared, DATABASE_URL: first.config.databaseUrl! } });
    await createProject(first, owner, name, [{ name: "web", image: "nginx:1.27", port: 80 }]);
    const set = await first.request("PUT", `/api/projects/${name}/webhook`, { cookie: owner, body: { url: receiverUrl } });
    expect(set.status, set.text).toBe(200);
    secret = set.json.webhook.secret;
    expect(secret).toMatch(/^whsec_/);
    await deployAndWait();
  }, 300_000);

  afterAll(async () => {
    await second?.stop();
    await first?.stop();
    await new Promise((resolve) => receiver?.close(resolve));
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  it("shows the webhook's URL to owners, never its secret again, and refuses a URL that is not one", async () => {
    const { json } = await first.request("GET", `/api/projects/${name}/webhook`, { cookie: owner });
    expect(json).toEqual({ webhook: { url: receiverUrl } });
    const bad = await first.request("PUT", `/api/projects/${name}/webhook`, { cookie: owner, body: { url: "ftp://example.com/x" } });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("url");
    expect(JSON.stringify(await alerts())).not.toContain(secret);
    expect(first.logs.join("") + second.logs.join("")).not.toContain(secret);
  });

  it("tells the owners once when an app turns degraded, and once when it recovers; the webhook is signed and retried", async () => {
    await sleep(1500); // several sweeps of both processes over a healthy app: nothing to say
    expect(mails()).toEqual([]);
    expect(await alerts()).toEqual([]);

    const [pod] = await runningPods(platform.kube, name, "web");
    await reportContainer(platform.kube, pod!, false, crashLooping(3, 2));
    const mail = await until("the degraded mail", () => mails().find((candidate) => candidate.subject === `${name}/web is not healthy`));
    expect(mail.to).toContain("alerts-owner@example.com");
    expect(mail.text).toContain("CrashLoopBackOff");
    expect(mail.text).toContain(`http://portal.test/projects/${name}/apps/web/status`);

    const delivery = await until("the accepted degraded webhook", () => accepted()[0]);
    expect(deliveries[0]!.answered).toBe(503);
    const timestamp = Number(delivery.headers["x-babyhelm-timestamp"]);
    expect(delivery.headers["x-babyhelm-signature"]).toBe(webhookSignature(secret, timestamp, delivery.body));
    expect(delivery.headers["x-babyhelm-event"]).toBe("app.degraded");
    expect(JSON.parse(delivery.body)).toMatchObject({ type: "app.degraded", project: name, app: "web", health: "degraded", reason: expect.stringContaining("exits with code 3") });
    await until("the alert listed as delivered", async () => (await alerts())[0]?.webhook?.status === "delivered");
    expect(await alerts()).toMatchObject([{ kind: "degraded", mailedTo: 1, webhook: { status: "delivered", attempts: 2 } }]);

    await core().deleteNamespacedPod({ name: pod!.metadata!.name!, namespace: name, gracePeriodSeconds: 0 });
    await until("the recovery mail", () => mails().find((candidate) => candidate.subject === `${name}/web is healthy again`));
    await until("the recovery webhook", () => accepted().find((candidate) => JSON.parse(candidate.body).type === "app.recovered"));
    await sleep(1500);
    // Two processes watched all along: still one message of each.
    expect(
      mails()
        .map((candidate) => candidate.subject)
        .sort(),
    ).toEqual([`${name}/web is healthy again`, `${name}/web is not healthy`]);
    expect(accepted().map((candidate) => JSON.parse(candidate.body).type)).toEqual(["app.degraded", "app.recovered"]);
    expect((await alerts()).map((alert) => alert.kind)).toEqual(["recovered", "degraded"]);
  }, 120_000);

  it("tells them again when a deploy that succeeded leaves the app degraded", async () => {
    const [pod] = await runningPods(platform.kube, name, "web");
    await reportContainer(platform.kube, pod!, false, crashLooping(1, 7));
    await until("the second degraded alert", async () => (await alerts()).length === 3);
    await deployAndWait();
    await until("the alert after the deploy", async () => (await alerts()).length === 4);
    expect((await alerts()).map((alert) => alert.kind)).toEqual(["degraded", "degraded", "recovered", "degraded"]);
    await sleep(1000);
    expect(await alerts()).toHaveLength(4);
  }, 300_000);

  it("never alerts for a namespace the portal does not own, even with a crashing app in it", async () => {
    const cookie = owner;
    await createProject(first, cookie, foreign, [{ name: "web", image: "nginx:1.27" }]);
    // As if it had been deployed: a succeeded deployment on record, but the namespace is someone else's.
    const projectId = (await first.portal.database.knex("projects").where({ name: foreign }).first("id")).id;
    await first.portal.database.knex("deployments").insert({ project_id: projectId, kind: "up", status: "succeeded", spec: {}, finished_at: new Date() });
    await core().createNamespace({ body: { metadata: { name: foreign } } });
    await platform.kube.makeApiClient(AppsV1Api).createNamespacedDeployment({
      namespace: foreign,
      body: {
        metadata: { name: "web", labels: { "app.kubernetes.io/managed-by": "babyhelm", "babyhelm.io/app": "web" } },
        spec: {
          selector: { matchLabels: { "babyhelm.io/app": "web" } },
          template: {
            metadata: { labels: { "app.kubernetes.io/managed-by": "babyhelm", "babyhelm.io/app": "web" } },
            spec: { containers: [{ name: "web", image: "nginx:1.27" }] },
          },
        },
      },
    });
    const pod = await until("the foreign pod running", async () => (await runningPods(platform.kube, foreign, "web")).find((candidate) => candidate.status?.phase === "Running"));
    await reportContainer(platform.kube, pod, false, crashLooping(1, 3));
    await sleep(2000);
    const { json } = await first.request("GET", `/api/projects/${foreign}/status`, { cookie });
    expect(json).toMatchObject({ deployed: false, apps: [] });
    expect((await first.request("GET", `/api/projects/${foreign}/alerts`, { cookie })).json.items).toEqual([]);
    await core().deleteNamespace({ name: foreign });
  }, 60_000);
});
