/**
 * A runner told to stop (SIGTERM) starts no engine for a run that reaches it afterwards: the run ends as
 * cancelled at once instead of keeping the shutdown waiting on a whole deploy. The run is driven by a
 * runner of our own on the test portal's database, so the moment is certain.
 */
import type { JobHelpers } from "graphile-worker";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServices } from "../app.js";
import { signUp, startTestPortal, type TestPortal } from "../test-support/portal.js";
import { createProject } from "../test-support/projects.js";
import { DeploymentRunner } from "./runner.js";

let portal: TestPortal;
let owner: string;

beforeAll(async () => {
  portal = await startTestPortal({ env: { DEPLOY_ENGINE: "mock" } });
  owner = await signUp(portal, "runner-owner@example.com");
  await createProject(portal, owner, "late");
});

afterAll(async () => {
  await portal?.stop();
});

function runner(): DeploymentRunner {
  const logger = pino({ level: "silent" });
  const { projects, metrics } = createServices({ config: portal.config, logger, database: portal.portal.database });
  metrics.close();
  return new DeploymentRunner(portal.portal.database, projects, portal.config, logger, { engine: "mock", heartbeatMs: 1000, staleAfterMs: 60_000, timeoutMs: 60_000 });
}

/** A queued deployment no worker knows of: only the runner under test will run it. */
async function queuedDeployment(): Promise<string> {
  const knex = portal.portal.database.knex;
  const project = await knex("projects").where({ name: "late" }).first();
  const [row] = await knex("deployments").insert({ project_id: project.id, kind: "up", status: "queued" }).returning("id");
  return String(row.id);
}

const helpers = { job: { locked_by: null } } as unknown as JobHelpers;

describe("a run that reaches a stopping runner", () => {
  it("is cancelled without an engine, saying the portal shut down; the project is not marked as having a stack", async () => {
    const id = await queuedDeployment();
    const stopping = runner();
    await stopping.stopAll();
    await stopping.run({ deploymentId: id }, helpers);
    const deployment = await portal.portal.database.knex("deployments").where({ id }).first();
    expect({ status: deployment.status, error: deployment.error }).toEqual({
      status: "cancelled",
      error: "cancelled: the portal shut down while this deployment ran; deploy again",
    });
    expect((await portal.portal.database.knex("projects").where({ name: "late" }).first()).stackCreatedAt).toBeNull();
  });

  it("runs to its end on a runner that is not stopping (the same run, the test engine)", async () => {
    const id = await queuedDeployment();
    await runner().run({ deploymentId: id }, helpers);
    expect((await portal.portal.database.knex("deployments").where({ id }).first()).status).toBe("succeeded");
  });
});
