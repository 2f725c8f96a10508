/** `babyhelm projects`: the caller's projects, their role, apps and last deployment. */
import { endpoints } from "../api/index.js";
import { parseCommandArgs } from "./args.js";
import type { PortalCommand } from "./context.js";
import { EXIT_OK } from "./errors.js";
import { deploymentCell, table } from "./format.js";

export const projects: PortalCommand = {
  name: "projects",
  synopsis: "babyhelm projects",
  summary: "list your projects: role, apps, last deployment",
  usage: `Usage: babyhelm projects

Lists the projects you (or the token) can see: name, your role, the number of apps and the last deployment.
`,
  async run(args, context) {
    parseCommandArgs("projects", args, {}, []);
    const { client } = await context.connect();
    const { items } = await client.call(endpoints.listProjects);
    if (items.length === 0) {
      context.out("No projects yet: create one with babyhelm apply -f spec.yaml, or on the portal.");
      return EXIT_OK;
    }
    const rows = items.map((project) => [project.name, project.role, String(project.appCount), deploymentCell(project.lastDeployment)]);
    for (const line of table([["NAME", "ROLE", "APPS", "LAST DEPLOYMENT"], ...rows])) context.out(line);
    return EXIT_OK;
  },
};
