/**
 * Every migration, in order. Listed here rather than found on disk so the portal runs the same list from
 * TypeScript sources and from a compiled build. Each has `up` and `down`.
 */
import * as accounts from "./20261126000000_accounts.js";
import * as projects from "./20261126000100_projects.js";
import * as projectOwners from "./20261126000200_project_owners.js";
import * as appHealth from "./20261201000000_app_health.js";
import * as operations from "./20261202000000_operations.js";
import * as tokenLimits from "./20261203000000_token_limits.js";
import * as jobWorkers from "./20261204000000_job_workers.js";
import * as loginFailureForgiveness from "./20261204000100_login_failure_forgiveness.js";

export const migrations = [
  { name: "20261126000000_accounts", ...accounts },
  { name: "20261126000100_projects", ...projects },
  { name: "20261126000200_project_owners", ...projectOwners },
  { name: "20261201000000_app_health", ...appHealth },
  { name: "20261202000000_operations", ...operations },
  { name: "20261203000000_token_limits", ...tokenLimits },
  { name: "20261204000000_job_workers", ...jobWorkers },
  { name: "20261204000100_login_failure_forgiveness", ...loginFailureForgiveness },
];
