/** `babyhelm set-image`: changes one app's image, and with --deploy deploys it: what a CI pipeline runs. */
import { endpoints } from "../api/index.js";
import { parseCommandArgs } from "./args.js";
import type { PortalCommand } from "./context.js";
import { startDeployment, waitForDeployment } from "./deploy.js";
import { EXIT_OK, UsageError } from "./errors.js";

export const setImage: PortalCommand = {
  name: "set-image",
  synopsis: "babyhelm set-image PROJECT APP IMAGE [--deploy [--wait]]",
  summary: "change an app's image (the CI one-liner)",
  usage: `Usage: babyhelm set-image PROJECT APP IMAGE [--deploy [--wait]]

Sets the image of APP in PROJECT, such as registry.example.com/shop/web:$GIT_SHA. The change takes effect
with the next deployment:
  --deploy  deploy the project right after
  --wait    (with --deploy) follow the deployment; exit status 0 only when it succeeded
`,
  async run(args, context) {
    const { values, named } = parseCommandArgs("set-image", args, { deploy: { type: "boolean" }, wait: { type: "boolean" } }, ["PROJECT", "APP", "IMAGE"]);
    if (values.wait && !values.deploy) throw new UsageError("--wait needs --deploy: set-image only waits for a deployment it starts", true);
    const connection = await context.connect();
    const params = { name: named.PROJECT, app: named.APP };
    const { app: before } = await connection.client.call(endpoints.getApp, { params });
    if (before.image === named.IMAGE) {
      context.out(`${named.APP} in ${named.PROJECT} already has the image ${named.IMAGE}.`);
    } else {
      const { app } = await connection.client.call(endpoints.updateApp, { params, body: { image: named.IMAGE } });
      context.out(`${named.APP} in ${named.PROJECT}: image ${before.image} -> ${app.image}`);
    }
    if (!values.deploy) {
      context.out(`Deploy it with: babyhelm deploy ${named.PROJECT} --wait`);
      return EXIT_OK;
    }
    const deployment = await startDeployment(connection, named.PROJECT, context);
    return values.wait ? await waitForDeployment(connection, named.PROJECT, deployment, context) : EXIT_OK;
  },
};
