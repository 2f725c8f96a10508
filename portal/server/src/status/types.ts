/**
 * The answer of `GET /api/projects/:name/status`, what runs in a project's namespace read live from the
 * cluster: the API contract's types (`@babyhelm/sdk/api`), which the web app reads too.
 */
export type { AppStatus, ClusterState, EventSummary, Health, PodStatus, Problem, ProblemCode, ProjectStatus, QuotaStatus, RolloutState } from "@babyhelm/sdk/api";
