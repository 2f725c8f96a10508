import { PassThrough } from "node:stream";
import type Router from "@koa/router";
import { z } from "zod";
import { AppError, notFound } from "../errors.js";
import { membershipOf, projectAccess } from "../http/project-access.js";
import type { PortalState } from "../http/state.js";
import { presentDeployment } from "../presenters/deployments.js";
import { parseInput } from "../http/validation.js";
import type { Deployments } from "../deployments/deployments.js";
import type { Projects } from "../services/projects/index.js";
import type { ProjectStatuses } from "../services/status.js";
import { AppLogs, DEFAULT_TAIL_LINES, MAX_SINCE_SECONDS, MAX_TAIL_LINES, type LogLine, type LogSink } from "../status/app-logs.js";

/** Follows one user may have open at once in a portal process: a few tabs, not a scraper. */
export const FOLLOWS_PER_USER = 4;
const KEEPALIVE_MS = 15_000;

const once = (message: string) => z.string({ message: `${message}; give it once` });
const wholeNumber = (field: string, min: number, max: number) =>
  once("must be a whole number")
    .regex(/^\d{1,9}$/, { message: `must be a whole number from ${min} to ${max}` })
    .transform(Number)
    .refine((value) => value >= min && value <= max, { message: `must be a whole number from ${min} to ${max} (${field})` });
const flag = once('must be "true" or "false"').regex(/^(true|false|1|0)$/, { message: 'must be "true" or "false"' }).transform((value) => value === "true" || value === "1");
// Kubernetes object names: nothing else can be a pod or container, so nothing else reaches a URL path.
const podName = once("must be a pod name").regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, { message: "must be a pod name of the app, such as web-7d9f8b6c5-x2x8q" });
const containerName = once("must be a container name").regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, { message: "must be a container name of the app's pods" });

const logQuery = z.strictObject({
  tailLines: wholeNumber("tailLines", 1, MAX_TAIL_LINES).optional(),
  sinceSeconds: wholeNumber("sinceSeconds", 1, MAX_SINCE_SECONDS).optional(),
  pod: podName.optional(),
  container: containerName.optional(),
  previous: flag.optional(),
  follow: flag.optional(),
});

function sse(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Routes are relative to /api/projects (see app.ts). */
export function statusRoutes(router: Router<PortalState>, projects: Projects, deployments: Deployments, statuses: ProjectStatuses): void {
  const withProject = projectAccess(projects);
  const logs = statuses.reader ? new AppLogs(statuses.reader) : undefined;
  const follows = new Map<string, number>();

  router.get("/:name/status", withProject("viewer"), async (ctx) => {
    const { project } = membershipOf(ctx);
    const apps = await projects.apps(project);
    ctx.set("Cache-Control", "no-store");
    ctx.body = await statuses.of(project.name, [...apps].sort((a, b) => a.position - b.position).map((app) => app.name));
  });

  /**
   * Developers and owners only: logs carry what apps print, often request data and, by accident, secrets,
   * which a viewer (who may read the spec with secret values masked) must not see.
   */
  router.get("/:name/apps/:app/logs", withProject("developer"), async (ctx) => {
    const user = ctx.state.auth.user!;
    const { project } = membershipOf(ctx);
    const input = parseInput(logQuery, ctx.query);
    const app = (await projects.apps(project)).find((candidate) => candidate.name === ctx.params.app);
    if (!app) throw notFound(`App "${ctx.params.app}" in "${project.name}"`);
    if (!logs) throw new AppError(409, "no_cluster", "This portal is not connected to a cluster (KUBECONFIG is not set), so it has no logs to show.");
    const follow = input.follow ?? false;
    const open = follows.get(user.id) ?? 0;
    if (follow && open >= FOLLOWS_PER_USER) {
      throw new AppError(429, "too_many_log_streams", `You follow ${open} logs already; close one (or stop following) first.`, undefined, { "Retry-After": "5" });
    }
    // Event streams for those who ask (EventSource, the web app); plain lines for curl and scripts.
    const asEvents = ctx.get("accept").includes("text/event-stream");
    const stream = new PassThrough();
    let closed = false;
    const write = (text: string) => !closed && stream.write(text);
    const sink: LogSink = asEvents
      ? {
          line: (line: LogLine) => write(sse("line", line)),
          notice: (message) => write(sse("notice", { message })),
          end: (reason) => {
            write(sse("end", { reason }));
            close();
          },
        }
      : {
          line: (line) => write(`[${line.pod}] ${line.text}\n`),
          notice: (message) => write(`# ${message}\n`),
          end: (reason) => {
            if (reason !== "done") write(`# the log ends here (${reason === "limit" ? "the line or size limit was reached" : "a follow lasts 30 minutes at most"})\n`);
            close();
          },
        };
    let counted = false;
    const close = () => {
      if (closed) return;
      closed = true;
      clearInterval(keepalive);
      if (counted) {
        const left = (follows.get(user.id) ?? 1) - 1;
        if (left <= 0) follows.delete(user.id);
        else follows.set(user.id, left);
      }
      stop?.();
      stream.end();
    };
    let stop: (() => void) | undefined;
    // Proxies close a quiet event stream; plain text has no comment syntax to keep it open with.
    const keepalive = asEvents ? setInterval(() => write(": keep-alive\n\n"), KEEPALIVE_MS) : undefined;
    if (follow) {
      follows.set(user.id, open + 1);
      counted = true;
    }
    try {
      stop = await logs.open(project.name, app.name, { tailLines: input.tailLines ?? DEFAULT_TAIL_LINES, sinceSeconds: input.sinceSeconds, pod: input.pod, container: input.container, previous: input.previous ?? false, follow }, sink);
    } catch (error) {
      close();
      throw error;
    }
    // The client going away ends every pod's request to the API server.
    ctx.req.on("close", close);
    if (closed) stop();
    ctx.status = 200;
    ctx.set({ "Content-Type": asEvents ? "text/event-stream; charset=utf-8" : "text/plain; charset=utf-8", "Cache-Control": "no-store", "X-Accel-Buffering": "no" });
    ctx.body = stream;
  });

  /** A restart is a deploy of the app with a new `restartedAt`: the stack stays the truth of what runs. */
  router.post("/:name/apps/:app/restart", withProject("developer"), async (ctx) => {
    const user = ctx.state.auth.user!;
    const { project } = membershipOf(ctx);
    parseInput(z.strictObject({}), ctx.request.body ?? {});
    await projects.updateApp(user, project, ctx.params.app!, { restartedAt: new Date().toISOString() });
    const deployment = await deployments.create(user, project, "up");
    ctx.status = 202;
    ctx.body = { deployment: presentDeployment(deployment) };
  });
}
