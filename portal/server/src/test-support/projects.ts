/** Helpers for project and deployment tests. */
import type { TestPortal } from "./portal.js";

/** A project with a small quota, so that a user's default limits (4 CPU, 8Gi) leave room for several. */
export async function createProject(
  portal: TestPortal,
  cookie: string,
  name: string,
  apps: Record<string, unknown>[] = [{ name: "web", image: "nginx:1.27", port: 80 }],
  quota: Record<string, unknown> = { cpu: "500m", memory: "1Gi", pods: 10 },
) {
  const created = await portal.request("POST", "/api/projects", { cookie, body: { name, quota } });
  if (created.status !== 201) throw new Error(`creating ${name}: ${created.status} ${created.text}`);
  for (const app of apps) {
    const added = await portal.request("POST", `/api/projects/${name}/apps`, { cookie, body: app });
    if (added.status !== 201) throw new Error(`adding an app to ${name}: ${added.status} ${added.text}`);
  }
}

export async function deploy(portal: TestPortal, cookie: string, project: string): Promise<string> {
  const started = await portal.request("POST", `/api/projects/${project}/deployments`, { cookie, body: {} });
  if (started.status !== 202) throw new Error(`deploying ${project}: ${started.status} ${started.text}`);
  return started.json.deployment.id;
}

export interface FinishedDeployment {
  id: string;
  status: string;
  error: string | null;
  log: string;
  startedAt: string | null;
  finishedAt: string | null;
  summary: Record<string, number> | null;
}

export async function waitForDeployment(portal: TestPortal, cookie: string, project: string, id: string, timeoutMs = 60_000): Promise<FinishedDeployment> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { json } = await portal.request("GET", `/api/projects/${project}/deployments/${id}`, { cookie });
    if (["succeeded", "failed", "cancelled"].includes(json?.deployment?.status)) return json.deployment;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`deployment ${id} of ${project} did not finish in ${timeoutMs} ms`);
}

export async function waitForStatus(portal: TestPortal, cookie: string, project: string, id: string, status: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { json } = await portal.request("GET", `/api/projects/${project}/deployments/${id}`, { cookie });
    if (json?.deployment?.status === status) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`deployment ${id} of ${project} did not reach ${status}`);
}

/** Reads a server-sent event stream to its end; returns the events as {event, data}. */
export async function readEvents(url: string, cookie: string): Promise<{ event: string; data: unknown; id?: string }[]> {
  const response = await fetch(url, { headers: { cookie, accept: "text/event-stream" } });
  if (!response.ok || !response.body) throw new Error(`events answered ${response.status}`);
  const text = await new Response(response.body).text();
  return text
    .split("\n\n")
    .filter((block) => block.includes("data:"))
    .map((block) => {
      const field = (name: string) =>
        block
          .split("\n")
          .find((line) => line.startsWith(`${name}: `))
          ?.slice(name.length + 2);
      return { event: field("event") ?? "message", data: JSON.parse(field("data")!), id: field("id") };
    });
}
