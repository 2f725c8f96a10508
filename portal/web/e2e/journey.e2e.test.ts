/**
 * The whole journey in a real browser (Debian chromium driven by playwright-core) against the real portal:
 * embedded PostgreSQL, a real SMTP capture, the Vite build served by Koa, and the real Pulumi engine (the
 * toolchain's CLI) deploying nginx to the test run's local cluster. After the deploy the owner sets a webhook
 * (a real HTTP server here), and a pod of the app is made to crash as a kubelet would report it and given logs
 * as kwok serves them: the apps table, the owner's mail, the signed webhook POST, the health alerts, the app
 * page and its live log view follow. Each step is screenshotted into
 * test-output/e2e. Without chromium or the toolchain the test is skipped with the reason, except under
 * CI=true.
 */
import { createHmac } from "node:crypto";
import { mkdirSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { requiredTool } from "../../../sdk/src/test-support/tools.js";
import { toolchainHome } from "../../../toolchain/tools.mjs";
import { realPlatform } from "../../server/src/test-support/cluster.js";
import { metricsFixture } from "../../server/src/test-support/metrics-fixture.js";
import { simulateLogs, type SimulatedLogs } from "../../server/src/test-support/pod-logs.js";
import { crashLooping, reportContainer, runningPods } from "../../server/src/test-support/pod-status.js";
import { startPrometheus, type RunningPrometheus } from "../../server/src/test-support/prometheus.js";
import { signUp, startTestPortal, type TestPortal } from "../../server/src/test-support/portal.js";
import { createProject } from "../../server/src/test-support/projects.js";
import { buildWebApp, freePort, freshScreenshotFolder, horizontalOverflow, launchChromium, SCREENSHOTS, screenshot } from "./browser.js";

const chromiumPath = requiredTool("chromium", "chromium");
const prometheusPath = requiredTool("prometheus", "prometheus");
const promtoolPath = requiredTool("promtool", "prometheus");

const EMAIL = "journey@example.com";
const PASSWORD = "correct horse battery staple";

let portal: TestPortal | undefined;
let browser: Browser | undefined;
let context: BrowserContext | undefined;
let podLogs: SimulatedLogs | undefined;
/** The project's webhook: a real HTTP server that takes every POST. */
let receiver: Server | undefined;
let receiverUrl = "";
const deliveries: { headers: IncomingHttpHeaders; body: string }[] = [];
/** Uncaught errors in the page and Content-Security-Policy refusals: a journey that passes has none. */
const pageProblems: string[] = [];
const consoleErrors: string[] = [];

describe.skipIf(!chromiumPath || !realPlatform)("the portal in a real browser", () => {
  beforeAll(async () => {
    freshScreenshotFolder();
    await buildWebApp();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    portal = await startTestPortal({
      // The health watcher sweeps every half second, so the alert of a crash comes within the poller's 5 s.
      env: {
        PORT: String(port),
        PUBLIC_URL: url,
        DEPLOY_ENGINE: "pulumi",
        KUBECONFIG: realPlatform!.kubeconfig,
        BABYHELM_TOOLCHAIN_HOME: toolchainHome(),
        HEALTH_WATCH_INTERVAL_MS: "500",
      },
    });
    expect(portal.url).toBe(url);
    receiver = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => (body += chunk));
      request.on("end", () => {
        deliveries.push({ headers: request.headers, body });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver!.listen(0, "127.0.0.1", resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hooks/babyhelm`;
    browser = await launchChromium(chromiumPath!);
    // The clipboard, for the webhook secret's Copy button.
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: "light", baseURL: url, permissions: ["clipboard-read", "clipboard-write"] });
    context.setDefaultTimeout(20_000);
    context.on("weberror", (error) => pageProblems.push(`uncaught: ${error.error().message}`));
    context.on("console", (message) => {
      if (message.type() !== "error") return;
      consoleErrors.push(`${message.text()} [${message.location().url}]`);
      if (/Content Security Policy/i.test(message.text())) pageProblems.push(`CSP: ${message.text()}`);
    });
  }, 300_000);

  afterAll(async () => {
    if (consoleErrors.length > 0) console.info(`console errors seen in the browser:\n${consoleErrors.join("\n")}`);
    await context?.close();
    await browser?.close();
    await portal?.stop();
    await podLogs?.remove();
    await new Promise((resolve) => (receiver ? receiver.close(resolve) : resolve(undefined)));
  }, 60_000);

  it("registers, confirms through the mailed link, logs in, builds a project, deploys it for real, sees it crash and logs out", async () => {
    const page = await context!.newPage();
    try {
      await journey(page);
    } catch (error) {
      // What the page showed when a step failed, beside the steps that passed.
      await screenshot(page, "failed-step").catch(() => undefined);
      const deployments = await portal!.portal.database
        .knex("deployments")
        .select("id", "status", "error", "created_at", "started_at", "finished_at")
        .catch(() => []);
      console.error(`deployments: ${JSON.stringify(deployments)}\nlast portal log lines:\n${portal!.logs.slice(-40).join("")}`);
      throw error;
    }
    expect(pageProblems).toEqual([]);
  }, 420_000);
});

async function journey(page: Page): Promise<void> {
  const url = portal!.url;
  const heading = (name: string | RegExp) => page.getByRole("heading", { level: 1, name });

  // 1. Register.
  await page.goto("/register");
  await heading("Create your account").waitFor();
  await page.getByLabel("Name").fill("Journey User");
  await page.getByLabel("E-mail").fill(EMAIL);
  await page.getByLabel("Password").fill(PASSWORD);
  await screenshot(page, "01-register");
  await page.getByRole("button", { name: "Create account" }).click();
  await heading("Check your inbox").waitFor();
  expect(await page.locator("main").textContent()).toContain(EMAIL);
  await screenshot(page, "02-check-inbox");

  // 2. The confirmation link from the captured e-mail, opened in the browser.
  const mail = await portal!.smtp.waitFor((candidate) => candidate.to.includes(EMAIL) && candidate.subject.startsWith("Confirm"));
  const link = /https?:\/\/\S+\/confirm-email\?token=[\w-]+/.exec(mail.text)?.[0];
  expect(link, `a confirmation link in:\n${mail.text}`).toBeDefined();
  expect(link!.startsWith(`${url}/confirm-email?token=`)).toBe(true);
  await page.goto(link!);
  await page.getByText(`Your address ${EMAIL} is confirmed.`).waitFor();
  await screenshot(page, "03-email-confirmed");

  // 3. Log in (the confirmation page's button carries the address over).
  await page.getByRole("main").getByRole("link", { name: "Log in" }).click();
  await page.waitForURL(/\/login\?email=/);
  expect(await page.getByLabel("E-mail").inputValue()).toBe(EMAIL);
  await page.getByLabel("Password").fill(PASSWORD);
  await screenshot(page, "04-login");
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL(`${url}/projects`);
  await page.getByRole("heading", { name: "No projects yet" }).waitFor();
  // The first account of a portal is its platform admin: the shell links to the platform upgrades.
  await expectNav(page, ["Projects", "Upgrades", "Account", "Log out"]);
  await screenshot(page, "05-projects-empty");

  // 4. Create a project.
  await page.getByRole("link", { name: "Create your first project" }).click();
  await heading("New project").waitFor();
  await page.getByLabel("Name", { exact: true }).fill("shop");
  await page.getByLabel("Display name (optional)").fill("Shop");
  await screenshot(page, "06-new-project");
  await page.getByRole("button", { name: "Create project" }).click();
  await page.waitForURL(`${url}/projects/shop`);
  await heading("Shop").waitFor();
  await page.getByText("No apps yet.").waitFor();
  await page.getByText("Not deployed yet.").waitFor();
  await screenshot(page, "07-project-created");

  // 5. Add an app: nginx:1.27 on port 80.
  await page.getByRole("link", { name: "Add app" }).click();
  await heading("Add an app").waitFor();
  await page.getByLabel("Name", { exact: true }).fill("web");
  await page.getByLabel("Image and tag").fill("nginx:1.27");
  await page.getByLabel("Port (optional)").fill("80");
  await screenshot(page, "08-app-form");
  await page.getByRole("button", { name: "Add app" }).click();
  await page.waitForURL(`${url}/projects/shop`);
  const appRow = page.getByRole("row").filter({ hasText: "nginx:1.27" });
  await appRow.waitFor();
  expect((await appRow.getByRole("cell").allTextContents()).map((text) => text.trim()).slice(0, 3)).toEqual(["web", "nginx:1.27", "80"]);

  // 6. Its manifests, on the page.
  const manifestsCard = page.getByRole("region", { name: "Manifests" });
  await manifestsCard.getByRole("button", { name: "Show" }).click();
  const manifests = page.getByLabel("Manifests", { exact: true }).and(page.locator("pre"));
  await manifests.waitFor();
  const yaml = (await manifests.textContent()) ?? "";
  for (const expected of ["kind: Namespace", "name: shop", "kind: Deployment", "image: nginx:1.27", "containerPort: 80", "kind: Service"]) {
    expect(yaml).toContain(expected);
  }
  await manifests.scrollIntoViewIfNeeded();
  await screenshot(page, "09-manifests");

  // 7. Deploy: the review shows the engine's preview, per resource; confirming queues it.
  await page.getByRole("button", { name: "Deploy…" }).click();
  const review = page.getByRole("dialog", { name: "Deploy these changes?" });
  const plan = review.getByRole("list", { name: "What the deploy will do" });
  await plan.getByText("Deployment web", { exact: true }).waitFor({ timeout: 180_000 });
  await plan.getByText("Namespace shop", { exact: true }).waitFor();
  expect(await plan.getByTestId("plan-op").allTextContents()).toEqual(expect.arrayContaining(["create"]));
  await screenshot(page, "10-deploy-review");
  await review.getByRole("button", { name: "Deploy", exact: true }).click();
  await review.waitFor({ state: "hidden" });

  // 8. The real engine deploys nginx to the local cluster; the page follows it to the end.
  const deployment = page.getByRole("region", { name: /^Deployment \d+$/ });
  await deployment.getByText("succeeded", { exact: true }).waitFor({ timeout: 240_000 });
  await page
    .getByRole("listitem")
    .filter({ hasText: /#\d+ up/ })
    .getByText("succeeded", { exact: true })
    .waitFor();
  await screenshot(page, "11-deploy-succeeded");

  // Members: the only owner has no Remove button; a teammate is added, and removed after a confirmation.
  await signUp(portal!, "mate@example.com");
  const members = page.getByRole("region", { name: "Members" });
  expect(await members.getByRole("button", { name: "Remove" }).count()).toBe(0);
  await members.getByLabel("E-mail").fill("mate@example.com");
  await members.getByRole("button", { name: "Add member" }).click();
  const teammate = members.getByRole("listitem").filter({ hasText: "mate@example.com" });
  await teammate.waitFor();
  await teammate.getByRole("button", { name: "Remove" }).click();
  const removal = page.getByRole("dialog", { name: "Remove this member?" });
  await removal.getByText("mate@example.com").waitFor();
  await screenshot(page, "11a-remove-member");
  await removal.getByRole("button", { name: "Remove member" }).click();
  await teammate.waitFor({ state: "detached" });

  // Owners choose where alerts go besides their mail: a webhook, whose signing secret is shown once.
  const webhookCard = page.getByRole("region", { name: "Alert webhook" });
  expect((await webhookCard.getByTestId("webhook-url").textContent())?.trim()).toBe("none");
  const webhookField = webhookCard.getByLabel("Webhook URL");
  await webhookField.fill("hooks.example.com/babyhelm");
  await webhookCard.getByRole("button", { name: "Set webhook" }).click();
  await webhookCard.getByText("must be an absolute http or https URL").waitFor();
  await webhookField.fill(receiverUrl);
  await webhookCard.getByRole("button", { name: "Set webhook" }).click();
  const secretBox = webhookCard.getByTestId("webhook-secret");
  await secretBox.waitFor();
  const secret = ((await secretBox.locator("code").textContent()) ?? "").trim();
  expect(secret).toMatch(/^whsec_/);
  expect(await secretBox.textContent()).toContain("it will not be shown again");
  await secretBox.getByRole("button", { name: "Copy secret" }).click();
  await secretBox.getByText("Copied.").waitFor();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
  expect((await webhookCard.getByTestId("webhook-url").textContent())?.trim()).toBe(receiverUrl);
  await screenshot(page, "11b-webhook-secret");
  // Reloaded, the page knows the URL and nothing of the secret.
  await page.reload();
  await heading("Shop").waitFor();
  await webhookCard.getByTestId("webhook-url").getByText(receiverUrl).waitFor();
  expect(await page.content()).not.toContain("whsec_");

  // 9. The app crashes, as the kubelet reports it: its pod keeps exiting with code 1.
  const kube = realPlatform!.kube;
  const [crashing] = await runningPods(kube, "shop", "web");
  expect(crashing, "a pod of web in the cluster").toBeDefined();
  const podName = crashing!.metadata!.name!;
  await reportContainer(kube, crashing!, false, crashLooping(1, 3));
  // The status poller (every 5 s) brings it to the apps table: degraded, and why.
  await appRow.getByTestId("health").filter({ hasText: "degraded" }).waitFor();
  const reason = (await appRow.getByTestId("reason").textContent()) ?? "";
  expect(reason).toContain("CrashLoopBackOff");
  expect(reason).toContain("code 1");
  expect(await page.getByRole("heading", { level: 1, name: "Shop" }).locator("..").textContent()).toContain("health degraded");
  // The portal's watcher mails the owner, and the alerts section, read again on the change, lists it.
  const alertMail = await portal!.smtp.waitFor((candidate) => candidate.to.includes(EMAIL) && candidate.subject === "shop/web is not healthy", 30_000);
  expect(alertMail.text).toContain("CrashLoopBackOff");
  expect(alertMail.text).toContain(`${url}/projects/shop/apps/web/status`);
  const alerts = page.getByRole("region", { name: "Health alerts" });
  const degradedAlert = alerts.getByRole("listitem").filter({ hasText: "degraded" });
  await degradedAlert.waitFor();
  expect(await degradedAlert.getByRole("link", { name: "web" }).count()).toBe(1);
  expect(await degradedAlert.getByTestId("alert-reason").textContent()).toContain("CrashLoopBackOff");
  // The webhook got it, signed with the secret shown once, as the section's how-to says to check.
  await expect.poll(() => deliveries.length, { timeout: 30_000 }).toBeGreaterThan(0);
  const [delivery] = deliveries;
  expect(delivery!.headers["x-babyhelm-event"]).toBe("app.degraded");
  const signed = `${delivery!.headers["x-babyhelm-timestamp"]}.${delivery!.body}`;
  expect(delivery!.headers["x-babyhelm-signature"]).toBe(`sha256=${createHmac("sha256", secret).update(signed).digest("hex")}`);
  expect(JSON.parse(delivery!.body)).toMatchObject({ type: "app.degraded", project: "shop", app: "web", health: "degraded" });
  // The section follows the POST on the poller's next answers, until it is delivered.
  await expect
    .poll(async () => (await degradedAlert.getByTestId("alert-delivery").textContent())?.trim(), { timeout: 30_000 })
    .toBe("Mailed to 1 owner · webhook delivered after 1 attempt");
  await screenshot(page, "12-app-degraded");

  // 10. Its pod prints lines, as kwok (playing the kubelet) serves them through the API server.
  podLogs = await simulateLogs(kube, { namespace: "shop", podName, container: "web" });
  podLogs.append(["/docker-entrypoint.sh: Configuration complete; ready for start up", '2030/01/01 10:00:00 [emerg] 1#1: host not found in upstream "api:8080"']);

  // The app page: the pod and what is wrong with it.
  const logRequests: string[] = [];
  page.on("request", (request) => {
    if (/\/api\/projects\/shop\/apps\/web\/logs/.test(request.url())) logRequests.push(request.url());
  });
  await appRow.getByRole("link", { name: "Status" }).click();
  await page.waitForURL(`${url}/projects/shop/apps/web/status`);
  await heading("web").waitFor();
  const pods = page.getByRole("region", { name: "Pods" });
  const podRow = pods.locator(`tr[data-pod="${podName}"]`);
  await podRow.waitFor();
  const problem = (await podRow.locator("td[data-label=Problem]").textContent()) ?? "";
  expect(problem).toContain("CrashLoopBackOff");
  expect(problem).toContain("code 1");
  expect((await podRow.locator("td[data-label=Restarts]").textContent())?.trim()).toBe("3");
  expect((await podRow.locator("td[data-label=Ready]").textContent())?.trim()).toBe("no");
  // The live log view opens with the page: the lines so far.
  const logView = page.getByRole("list", { name: "Logs of web" });
  await logView.getByText("Configuration complete; ready for start up").waitFor();
  await logView.getByText("host not found in upstream").waitFor();
  await screenshot(page, "13-app-status");

  // One more line arrives while the view follows.
  expect(await page.getByLabel("Follow").isChecked()).toBe(true);
  podLogs.append("2030/01/01 10:00:05 [notice] 1#1: exiting");
  await logView.getByText("[notice] 1#1: exiting").waitFor();
  expect((await logView.getByRole("listitem").allTextContents()).map((text) => text.trim()).filter((text) => /start up|upstream|exiting/.test(text))).toHaveLength(3);
  await expect.poll(() => page.getByTestId("logs-counts").textContent()).toContain("3 lines received");
  // On the stream that was already open: followed, not read again.
  expect(logRequests).toHaveLength(1);
  expect(new URL(logRequests[0]!).searchParams.get("follow")).toBe("true");
  expect(await page.getByTestId("logs-ended").count()).toBe(0);
  await logView.scrollIntoViewIfNeeded();
  await screenshot(page, "14-app-logs");

  // The projects list shows the last deployment's status too.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Projects" }).click();
  await page.waitForURL(`${url}/projects`);
  const card = page.getByRole("listitem").filter({ hasText: "Shop" });
  await card.getByText("succeeded", { exact: true }).waitFor();
  expect(await card.textContent()).toContain("1 app");
  await screenshot(page, "15-projects-list");

  // 11. A phone: the project page fits 390 px without sideways scrolling.
  const phone = await context!.newPage();
  await phone.setViewportSize({ width: 390, height: 844 });
  await phone.goto("/projects/shop");
  await phone.getByRole("heading", { level: 1, name: "Shop" }).waitFor();
  await phone
    .getByRole("region", { name: /^Deployment \d+$/ })
    .getByText("succeeded", { exact: true })
    .waitFor();
  await phone.getByRole("region", { name: "Manifests" }).getByRole("button", { name: "Show" }).click();
  await phone.locator("pre[aria-label=Manifests]").waitFor();
  const overflow = await horizontalOverflow(phone);
  await screenshot(phone, "16-project-phone-390");
  expect(overflow.scrollWidth, `project page wider than the phone: ${overflow.widest.join(", ")}`).toBeLessThanOrEqual(overflow.innerWidth);
  // The widest form too.
  await phone.getByRole("link", { name: "Add app" }).click();
  await phone.getByRole("heading", { level: 1, name: "Add an app" }).waitFor();
  await phone.getByRole("button", { name: "Add variable" }).click();
  const formOverflow = await horizontalOverflow(phone);
  await screenshot(phone, "17-app-form-phone-390");
  expect(formOverflow.scrollWidth, `app form wider than the phone: ${formOverflow.widest.join(", ")}`).toBeLessThanOrEqual(formOverflow.innerWidth);
  await phone.close();

  // 12. Log out: back on the login page, and protected pages lead there.
  const session = (await context!.cookies(url)).find((cookie) => cookie.name === "bh_session");
  expect(session).toBeDefined();
  await page.getByRole("button", { name: "Log out" }).click();
  await page.waitForURL(`${url}/login`);
  await heading("Log in").waitFor();
  await expectNav(page, ["Log in", "Sign up"]);
  await screenshot(page, "18-logged-out");
  await page.goto("/projects/shop");
  await page.waitForURL((target) => target.pathname === "/login" && target.searchParams.get("redirect") === "/projects/shop");
  await heading("Log in").waitFor();
  expect(await page.getByText("Shop").count()).toBe(0);
  await screenshot(page, "19-protected-page-redirects");
  // The session is gone on the server too, not just forgotten by the page.
  expect((await portal!.request("GET", "/api/me", { cookie: `${session!.name}=${session!.value}` })).status).toBe(401);
}

async function expectNav(page: Page, items: string[]): Promise<void> {
  const nav = page.getByRole("navigation", { name: "Main" });
  await nav.getByText(items[0]!, { exact: true }).waitFor();
  const texts = (await nav.locator("a, button").allTextContents()).map((text) => text.trim());
  expect(texts).toEqual(items);
}

/**
 * The metrics charts in the real browser: a real Prometheus loaded with two tenants' series (metrics-fixture.ts),
 * a portal connected to it, and project alpha's page and app page on a desktop and on a 390 px phone. In the
 * same file as the journey, so the web app is built once and never by two tests at the same moment.
 */
describe.skipIf(!chromiumPath || !prometheusPath || !promtoolPath)("metrics charts in a real browser", () => {
  let prometheus: RunningPrometheus | undefined;
  let metricsPortal: TestPortal | undefined;
  let metricsBrowser: Browser | undefined;
  const problems: string[] = [];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await buildWebApp();
    // Samples run on past "now", as a live scrape would (see MetricsPanel.test.ts).
    const end = Math.ceil(Date.now() / 30_000) * 30 + 600;
    prometheus = await startPrometheus({ prometheus: prometheusPath!, promtool: promtoolPath! }, metricsFixture(end).openMetrics);
    metricsPortal = await startTestPortal({ env: { PROMETHEUS_URL: prometheus.url, GRAFANA_URL: "https://grafana.example.com" } });
    metricsBrowser = await launchChromium(chromiumPath!);
  }, 300_000);

  afterAll(async () => {
    await metricsBrowser?.close();
    await metricsPortal?.stop();
    await prometheus?.stop();
  }, 60_000);

  it("draws CPU, memory, restarts and network of alpha's apps, follows the range, and fits a phone", async () => {
    const portal = metricsPortal!;
    const cookie = await signUp(portal, "charts@example.com");
    await createProject(portal, cookie, "alpha", [
      { name: "web", image: "nginx:1.27", port: 80 },
      { name: "api", image: "nginx:1.27", port: 80 },
    ]);
    const context = await metricsBrowser!.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: "light", baseURL: portal.url });
    context.setDefaultTimeout(20_000);
    context.on("weberror", (error) => problems.push(`uncaught: ${error.error().message}`));
    context.on("console", (message) => {
      if (message.type() === "error" && /Content Security Policy/i.test(message.text())) problems.push(`CSP: ${message.text()}`);
    });
    const [name, value] = cookie.split("=") as [string, string];
    await context.addCookies([{ name, value, url: portal.url }]);
    const page = await context.newPage();
    try {
      await page.goto("/projects/alpha");
      const metrics = page.getByRole("region", { name: "Metrics" });
      const cpu = metrics.getByRole("list", { name: "CPU, latest values" });
      await cpu.getByText("web: 500 millicores").waitFor();
      expect((await cpu.getByRole("listitem").allTextContents()).map((text) => text.trim())).toEqual(["api: 500 millicores", "web: 500 millicores"]);
      expect((await metrics.getByRole("list", { name: "Memory, latest values" }).getByRole("listitem").allTextContents()).map((text) => text.trim())).toEqual([
        "api: 50 MiB",
        "web: 200 MiB",
      ]);
      // Four charts, each a canvas with lines drawn on it.
      await expect.poll(() => metrics.locator("canvas").count()).toBe(4);
      const inked = await metrics.locator("canvas").evaluateAll((canvases) =>
        (canvases as HTMLCanvasElement[]).map((canvas) => {
          const pixels = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
          let coloured = 0;
          for (let index = 3; index < pixels.length; index += 4) if (pixels[index]! > 0) coloured += 1;
          return coloured;
        }),
      );
      for (const count of inked) expect(count).toBeGreaterThan(500);
      expect(await metrics.getByRole("link", { name: "Open in Grafana" }).getAttribute("href")).toContain("var-namespace=alpha");
      await metrics.scrollIntoViewIfNeeded();
      await screenshot(page, "metrics-01-project-1h");

      // Another range: the answer says which, and the charts are redrawn in place.
      await metrics.getByText("6h", { exact: true }).click();
      expect(await metrics.getByRole("radio", { name: "6h" }).isChecked()).toBe(true);
      await metrics.getByText("the last 6 hours, a point every 90 s").waitFor();
      expect(await metrics.locator("canvas").count()).toBe(4);
      await screenshot(page, "metrics-02-project-6h");

      // A narrower window: each chart takes its container's new width.
      await page.setViewportSize({ width: 700, height: 900 });
      await expect
        .poll(() =>
          metrics
            .locator(".chart")
            .first()
            .evaluate((chart) => Math.abs(chart.querySelector("canvas")!.getBoundingClientRect().width - chart.clientWidth)),
        )
        .toBeLessThanOrEqual(1);

      // A phone: the project page and the app page fit 390 px.
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto("/projects/alpha");
      await cpu.getByText("web: 500 millicores").waitFor();
      await expect.poll(() => metrics.locator("canvas").count()).toBe(4);
      const overflow = await horizontalOverflow(page);
      await metrics.scrollIntoViewIfNeeded();
      await screenshot(page, "metrics-03-project-phone-390");
      expect(overflow.scrollWidth, `project page with charts wider than the phone: ${overflow.widest.join(", ")}`).toBeLessThanOrEqual(overflow.innerWidth);

      await page.goto("/projects/alpha/apps/web");
      await metrics.getByRole("list", { name: "CPU, latest values" }).getByText("web: 500 millicores").waitFor();
      expect(await metrics.getByRole("list", { name: "CPU, latest values" }).getByRole("listitem").count()).toBe(1);
      await expect.poll(() => metrics.locator("canvas").count()).toBe(4);
      const appOverflow = await horizontalOverflow(page);
      await metrics.scrollIntoViewIfNeeded();
      await screenshot(page, "metrics-04-app-phone-390");
      expect(appOverflow.scrollWidth, `app page with charts wider than the phone: ${appOverflow.widest.join(", ")}`).toBeLessThanOrEqual(appOverflow.innerWidth);
    } catch (error) {
      await screenshot(page, "metrics-failed-step").catch(() => undefined);
      throw error;
    } finally {
      await context.close();
    }
    expect(problems).toEqual([]);
  }, 180_000);
});
