/**
 * `@babyhelm/sdk/api`: the portal's HTTP API as one contract (zod schemas per resource), its OpenAPI
 * document and its typed client. No Pulumi: the web app and the CLI import it.
 */
export * from "./admin.js";
export * from "./alerts.js";
export * from "./apps.js";
export * from "./auth.js";
export * from "./client.js";
export * from "./common.js";
export * from "./deployments.js";
export * from "./endpoint.js";
export * from "./endpoints.js";
export * from "./events.js";
export * from "./me.js";
export * from "./members.js";
export * from "./metrics.js";
export * from "./openapi.js";
export * from "./passwords.js";
export * from "./previews.js";
export * from "./projects.js";
export * from "./status.js";
export * from "./system.js";
export * from "./tokens.js";
