/** `babyhelm status`: each app's image and live health, and the project's last deployment. */
import { endpoints } from "../api/index.js";
import { parseCommandArgs } from "./args.js";
import type { PortalCommand } from "./context.js";
import { EXIT_OK } from "./errors.js";
import { changesText, deploymentCell, shortTime, table } from "./format.js";

export const status: PortalCommand = {
  name: "status",
  synopsis: "babyhelm status PROJECT",
  summary: "each app's image and health, and the last deployment",
  usage: `Usage: babyhelm status PROJECT

Shows each app of PROJECT with its image and its health as the cluster reports it now (healthy,
progressing, degraded, missing; "unknown" when the portal cannot read the cluster), and the last
deployment. The exit status is 0 whatever the health; it is 1 only when the portal cannot answer.
`,
  async run(args, context) {
    const { named } = parseCommandArgs("status", args, {}, ["PROJECT"]);
    const { client } = await context.connect();
    const params = { params: { name: named.PROJECT } };
    const [{ project }, live] = await Promise.all([client.call(endpoints.getProject, params), client.call(endpoints.getProjectStatus, params)]);
    const health = live.health ?? "unknown";
    const about = live.cluster === "connected" ? `cluster read ${shortTime(live.readAt)}` : `cluster ${live.cluster.replace("_", " ")}`;
    context.out(`Project ${project.name}: ${health} (${about})${live.message ? `: ${live.message}` : ""}`);
    if (project.apps.length === 0) context.out("No apps yet: add them with babyhelm apply -f spec.yaml.");
    else {
      const rows = project.apps.map((app) => {
        const seen = live.apps.find((candidate) => candidate.name === app.name);
        return [app.name, app.image, seen?.health ?? "unknown", seen ? `${seen.replicas.ready}/${seen.replicas.desired}` : "-", seen?.reason ?? ""];
      });
      for (const line of table([["APP", "IMAGE", "HEALTH", "READY", "REASON"], ...rows])) context.out(line);
    }
    const last = project.lastDeployment;
    context.out(`Last deployment: ${deploymentCell(last)}${last?.status === "succeeded" ? ` (${changesText(last.summary)})` : last?.error ? `: ${last.error}` : ""}`);
    return EXIT_OK;
  },
};
