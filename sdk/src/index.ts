/**
 * @babyhelm/sdk: Pulumi components for BabyHelm projects, the ProjectSpec they share with the portal and
 * the CLI, and an offline renderer that returns exactly what the components create.
 */
export * from "./spec/index.js";
export * from "./kubernetes.js";
export * from "./labels.js";
export * from "./platform.js";
export * from "./version.js";
export * from "./namespace/builders.js";
export * from "./app/builders.js";
export * from "./app/secret-checksum.js";
export * from "./monitoring/promql.js";
export * from "./monitoring/parse.js";
export * as promql from "./monitoring/queries.js";
export * from "./monitoring/dashboards.js";
export * from "./monitoring/builders.js";
export * from "./render/render.js";
export * from "./render/yaml.js";
export { UserNamespace, type UserNamespaceArgs } from "./namespace/UserNamespace.js";
export { App, type AppArgs } from "./app/App.js";
export { ProjectDashboard, type ProjectDashboardArgs } from "./monitoring/ProjectDashboard.js";
export { Project, type ProjectArgs } from "./project/Project.js";
