import { PassThrough } from "node:stream";
import type Router from "@koa/router";
import { DEFAULT_TAIL_LINES, endpoints } from "@babyhelm/sdk/api";
import { AppError, notFound } from "../errors.js";
import { contractRoutes } from "../http/contract-routes.js";
import { membershipOf, projectAccess } from "../http/project-access.js";
import type { PortalState } from "../http/state.js";
import { presentDeployment } from "../presenters/deployments.js";
import type { Deployments } from "../deployments/deployments.js";
import type { Projects } from "../services/projects/index.js";
import type { ProjectStatuses } from "../services/status.js";
import { AppLogs, type LogLine, type LogSink } from "../status/app-logs.js";

/** Follows one user may have open at once in a portal process: a few tabs, not a scraper. */
export const FOLLOWS_PER_USER = 4;
const KEEPALIVE_MS = 15_000;

function sse(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Routes are relative to /api/projects (see app.ts). */
export function statusRoutes(router: Router<PortalState>, projects: Projects, deployments: Deployments, statuses: ProjectStatuses): void {
  const api = contractRoutes(router, { project: projectAccess(projects) }, "/api/projects");
  const logs = statuses.reader ? new AppLogs(statuses.reader) : undefined;
  const follows = new Map<string, number>();

  api.on(endpoints.getProjectStatus, async (ctx) => {
    const { project } = membershipOf(ctx);
    const apps = await projects.apps(project);
    ctx.set("Cache-Control", "no-store");
    return await statuses.of(
      project.name,
      [...apps].sort((a, b) => a.position - b.position).map((app) => app.name),
    );
  });

  /**
   * Developers and owners only: logs carry what apps print, often request data and, by accident, secrets,
   * which a viewer (who may read the spec with secret values masked) must not see.
   */
  api.on(endpoints.getAppLogs, async (ctx, { params, query: input }) => {
    const user = ctx.state.auth.user!;
    const { project } = membershipOf(ctx);
    const app = (await projects.apps(project)).find((candidate) => candidate.name === params.app);
    if (!app) throw notFound(`App "${params.app}" in "${project.name}"`);
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
      stop = await logs.open(
        project.name,
        app.name,
        {
          tailLines: input.tailLines ?? DEFAULT_TAIL_LINES,
          sinceSeconds: input.sinceSeconds,
          pod: input.pod,
          container: input.container,
          previous: input.previous ?? false,
          follow,
        },
        sink,
      );
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
  api.on(endpoints.restartApp, async (ctx, { params }) => {
    const user = ctx.state.auth.user!;
    const { project } = membershipOf(ctx);
    await projects.updateApp(user, project, params.app, { restartedAt: new Date().toISOString() });
    return { deployment: presentDeployment(await deployments.create(user, project, "up")) };
  });
}
