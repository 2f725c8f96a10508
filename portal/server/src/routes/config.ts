import type Router from "@koa/router";
import { SDK_VERSION } from "@babyhelm/sdk";
import { endpoints, openApiDocument, type PortalConfig } from "@babyhelm/sdk/api";
import type { Config } from "../config.js";
import { contractRoutes } from "../http/contract-routes.js";
import { CLI_MISSING } from "../deployments/protocol.js";
import { findPulumiCli } from "../deployments/pulumi-cli.js";
import type { PortalState } from "../http/state.js";
import { metricsNotConfigured } from "../metrics/prometheus.js";

/**
 * Which optional parts this portal has, so the web app (and scripts) never call what is switched off:
 * a page of a portal without Prometheus asks for no metrics and says how to connect one instead.
 */
export function portalFeatures(config: Config, path = process.env.PATH): PortalConfig {
  let engineProblem: string | undefined;
  if (config.deploy.engine === "pulumi") {
    try {
      findPulumiCli(config.pulumi, path);
    } catch {
      // The fix, without the path that was tried: this answer is public.
      engineProblem = CLI_MISSING;
    }
  }
  return {
    sdkVersion: SDK_VERSION,
    metrics: config.prometheusUrl ? { enabled: true } : { enabled: false, message: metricsNotConfigured().message },
    grafana: { enabled: config.grafanaUrl !== undefined },
    engine: { name: config.deploy.engine, available: engineProblem === undefined, ...(engineProblem ? { problem: engineProblem } : {}) },
    cluster: { enabled: config.kubeconfig !== undefined },
    drift: { intervalMs: config.drift.intervalMs },
  };
}

export type PortalFeatures = PortalConfig;

/** `GET /api/config`: public, like the sign-in page; it names no address, path or secret. */
export function configRoutes(router: Router<PortalState>, config: Config): void {
  const api = contractRoutes(router);
  // The Pulumi CLI is looked for once: it is installed before the portal starts, not while it runs.
  const features = portalFeatures(config);
  api.on(endpoints.getConfig, () => ({ config: features }));
  // Generated once from the contract the routes validate with: what it says is what they do.
  const document = openApiDocument(endpoints, SDK_VERSION);
  api.on(endpoints.getOpenApi, () => document);
}
