/** The Koa application: middleware in order, then one router per resource. */
import Router from "@koa/router";
import Koa, { type Middleware } from "koa";
import compose from "koa-compose";
import type { Logger } from "pino";
import type { Config } from "./config.js";
import { methodNotAllowed } from "./errors.js";
import type { Database } from "./db/database.js";
import { authenticate } from "./http/auth.js";
import { jsonBody } from "./http/body.js";
import { errorHandler } from "./http/errors.js";
import { webApp } from "./http/web.js";
import { requestLog, securityHeaders } from "./http/request-log.js";
import type { PortalState } from "./http/state.js";
import { authRoutes } from "./routes/auth.js";
import { configRoutes } from "./routes/config.js";
import { healthRoutes } from "./routes/health.js";
import { meRoutes } from "./routes/me.js";
import { tokensRoutes } from "./routes/tokens.js";
import { adminRoutes } from "./routes/admin.js";
import { appRoutes } from "./routes/apps.js";
import { deploymentRoutes } from "./routes/deployments.js";
import { exportRoutes } from "./routes/export.js";
import { previewRoutes } from "./routes/previews.js";
import { memberRoutes } from "./routes/members.js";
import { metricsRoutes } from "./routes/metrics.js";
import { projectRoutes } from "./routes/projects.js";
import { statusRoutes } from "./routes/status.js";
import { alertRoutes } from "./routes/alerts.js";
import { DeploymentStreams } from "./deployments/streams.js";
import { DeploymentHistory } from "./deployments/history.js";
import { Deployments } from "./deployments/deployments.js";
import { DriftChecks } from "./deployments/drift.js";
import { Upgrades } from "./deployments/upgrades.js";
import { Metrics } from "./services/metrics.js";
import { Projects } from "./services/projects/index.js";
import { ProjectStatuses } from "./services/status.js";
import { HealthAlerts } from "./services/health-alerts.js";
import { Webhooks } from "./services/webhooks.js";
import { Accounts } from "./services/accounts.js";
import { ApiTokens } from "./services/api-tokens.js";
import { DEFAULT_THROTTLE, LoginThrottle, type ThrottleLimits } from "./services/login-throttle.js";
import { Passwords } from "./services/passwords.js";
import { Sessions, type Credential } from "./services/sessions.js";
import { AuthCache } from "./services/auth-cache.js";

export interface AppOptions {
  config: Config;
  logger: Logger;
  database: Database;
  throttle?: ThrottleLimits;
  /** Shared with the listener that drops entries other processes announce; a private one otherwise. */
  authCache?: AuthCache<Credential>;
  /** The services the job worker also uses; created here when not given. */
  services?: Services;
  /** True once the server is stopping: responses then close their connections. */
  isStopping?: () => boolean;
}

export type Services = ReturnType<typeof createServices>;

export function createServices({ config, logger, database, throttle, authCache = new AuthCache() }: Omit<AppOptions, "services">) {
  const passwords = new Passwords(config.bcryptRounds);
  const sessions = new Sessions(database.models, config.sessionSecret, authCache);
  const apiTokens = new ApiTokens(database.models, config.sessionSecret, authCache);
  const loginThrottle = new LoginThrottle(database.models, throttle ?? DEFAULT_THROTTLE);
  const accounts = new Accounts(database, config, passwords, sessions, loginThrottle, logger);
  const projects = new Projects(database, config);
  const deployments = new Deployments(database, projects, config);
  const history = new DeploymentHistory(database, projects, deployments, config);
  const drift = new DriftChecks(database, deployments, config, logger);
  const upgrades = new Upgrades(database, deployments, config, logger);
  const streams = new DeploymentStreams();
  const metrics = new Metrics(config.prometheusUrl, config.grafanaUrl);
  const statuses = ProjectStatuses.fromKubeconfig(config.kubeconfig, logger);
  const webhooks = new Webhooks(database, config);
  const healthAlerts = new HealthAlerts(database, statuses, config, logger);
  return { passwords, sessions, apiTokens, loginThrottle, accounts, projects, deployments, history, drift, upgrades, streams, metrics, statuses, webhooks, healthAlerts };
}

const NOT_BUILT_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>BabyHelm</title></head>
<body><h1>BabyHelm</h1><p>The API is running at <a href="/api/health">/api</a>, but the web app is not built: run <code>npm run build:web</code>.</p></body></html>`;

export function createApp(options: AppOptions): Koa<PortalState> {
  const { config, logger, database } = options;
  const services = options.services ?? createServices(options);
  const secureCookies = config.publicUrl.startsWith("https:");
  const app = new Koa<PortalState>();
  // X-Forwarded-For is trusted for exactly as many hops as there are proxies: the client's own is ignored.
  app.proxy = config.trustProxy > 0;
  app.maxIpsCount = config.trustProxy;
  app.silent = true;

  app.use(requestLog(logger, options.isStopping));
  app.use(errorHandler(logger));
  app.use(securityHeaders);
  app.use(webApp(NOT_BUILT_PAGE));
  app.use(jsonBody);
  app.use(authenticate(services.sessions, services.apiTokens, secureCookies));
  // One router for the whole API: each request is matched once, whichever resource module defined the route.
  const router = new Router<PortalState>();
  healthRoutes(router, database.knex);
  configRoutes(router, config);
  authRoutes(router, services.accounts, services.sessions, secureCookies);
  meRoutes(router, services.accounts, secureCookies);
  tokensRoutes(router, services.apiTokens);
  adminRoutes(router, database, services.accounts, services.projects, services.upgrades);
  // Everything under /api/projects in a router of its own, which other requests never reach: every
  // request would otherwise be matched against all of its routes.
  const projectsRouter = new Router<PortalState>({ prefix: "/api/projects" });
  projectRoutes(projectsRouter, services.projects, services.deployments, config.platform);
  exportRoutes(projectsRouter, services.projects, config.platform);
  appRoutes(projectsRouter, services.projects);
  memberRoutes(projectsRouter, services.projects);
  deploymentRoutes(projectsRouter, services.projects, services.deployments, services.history, services.streams);
  previewRoutes(projectsRouter, services.projects, services.deployments, services.drift, services.streams);
  metricsRoutes(projectsRouter, services.projects, services.metrics);
  statusRoutes(projectsRouter, services.projects, services.deployments, services.statuses);
  alertRoutes(projectsRouter, services.projects, services.webhooks, services.healthAlerts);
  // 405 (and never 501) for a known path with another method, in the JSON error shape.
  const allowed = { throw: true, methodNotAllowed, notImplemented: methodNotAllowed };
  const projectsMiddleware = compose([projectsRouter.routes(), projectsRouter.allowedMethods(allowed)] as Middleware<PortalState>[]);
  app.use((ctx, next) => (ctx.path === "/api/projects" || ctx.path.startsWith("/api/projects/") ? projectsMiddleware(ctx, next) : next()));
  app.use(router.routes());
  app.use(router.allowedMethods(allowed));
  routersOfApps.set(app, [router, projectsRouter]);

  return app;
}

const routersOfApps = new WeakMap<Koa<PortalState>, Router<PortalState>[]>();

/** Every route the app serves, as `METHOD /path/{param}`: what the OpenAPI document must cover. */
export function servedRoutes(app: Koa<PortalState>): string[] {
  return (routersOfApps.get(app) ?? []).flatMap((router) =>
    router.stack.flatMap((layer) => layer.methods.filter((method) => method !== "HEAD").map((method) => `${method} ${String(layer.path).replace(/:(\w+)/g, "{$1}")}`)),
  );
}
