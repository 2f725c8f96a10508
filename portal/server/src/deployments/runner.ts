/**
 * Runs deployments: the graphile-worker task for the per-project queues. Each run's engine works in a
 * process of its own (engine-process.ts); this side feeds it the request, stores its progress, keeps a
 * heartbeat, stops it on cancel, and records how it ended. A run whose heartbeat stops (its portal was
 * killed) is marked failed as "interrupted" by whichever portal notices, and its queue is unlocked.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { JobHelpers, WorkerUtils } from "graphile-worker";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import type { Database } from "../db/database.js";
import { notify } from "../db/notifications.js";
import type { Deployment, DeploymentStatus } from "../models/Deployment.js";
import type { Projects } from "../services/projects.js";
import { DEPLOYMENT_EVENTS_CHANNEL } from "./channels.js";
import { EventWriter } from "./event-writer.js";
import type { EngineMessage, EngineName, EngineRequest } from "./protocol.js";

export interface RunnerOptions {
  /** `pulumi` (default), or `mock`: the test engine, which runs the program under Pulumi's mocks. */
  engine: EngineName;
  /** The test engine's pause per resource. */
  mockStepMs?: number;
  /** How often a run says it is alive, and how long silence means it was interrupted. */
  heartbeatMs: number;
  staleAfterMs: number;
}

export const INTERRUPTED = "interrupted: the portal running this deployment stopped before it finished; deploy again";
/** A cancelled engine gets this long to stop cleanly (Pulumi finishes the step it is in) before it is killed. */
const CANCEL_GRACE_MS = 10_000;

// import.meta.dirname, not URLs: the web app's tests replace the global URL with happy-dom's.
const ENGINE_PROCESS = join(import.meta.dirname, `engine-process.${import.meta.filename.endsWith(".ts") ? "ts" : "js"}`);
/** From TypeScript sources the engine process needs tsx and the workspaces' source entry points. */
const ENGINE_NODE_ARGS = ENGINE_PROCESS.endsWith(".ts") ? ["--conditions=@babyhelm/source", "--import", "tsx"] : [];

interface RunningEngine {
  child: ChildProcess;
  /** Why it was stopped, when it was: shown as the deployment's error. */
  cancelled?: string;
}

export class DeploymentRunner {
  private readonly running = new Map<string, RunningEngine>();

  constructor(
    private readonly db: Database,
    private readonly projects: Projects,
    private readonly config: Config,
    private readonly logger: Logger,
    private readonly options: RunnerOptions,
  ) {}

  /** The queue task: `payload.deploymentId` is queued; runs it to its end, never throwing (no retries). */
  async run(payload: { deploymentId: string }, helpers: JobHelpers): Promise<void> {
    const { Deployment, Project } = this.db.models;
    const [deployment] = await Deployment.query()
      .patch({ status: "running", startedAt: new Date(), heartbeatAt: new Date(), workerId: helpers.job.locked_by ?? null })
      .where({ id: payload.deploymentId, status: "queued" })
      .returning("*");
    // Cancelled while queued, or already ended by recovery: nothing to do.
    if (!deployment) return;
    await notify(this.db.knex, DEPLOYMENT_EVENTS_CHANNEL, deployment.id);
    const project = await Project.query().findById(deployment.projectId);
    if (!project) return;
    const log = this.logger.child({ deploymentId: deployment.id, project: project.name, kind: deployment.kind });
    const heartbeat = setInterval(() => {
      Deployment.query().patch({ heartbeatAt: new Date() }).where({ id: deployment.id }).catch((error: unknown) => log.warn({ err: error }, "heartbeat failed"));
    }, this.options.heartbeatMs);
    try {
      const spec = await this.projects.spec(project, "plain");
      const secrets = spec.apps.flatMap((app) => Object.values(app.secretEnv ?? {})).filter((value) => value.length >= 4);
      const events = new EventWriter(this.db, deployment.id, secrets);
      const previous = await Deployment.query().where({ projectId: project.id }).whereNot({ id: deployment.id }).whereNotNull("finishedAt").orderBy("id", "desc").first();
      const request: EngineRequest = {
        kind: deployment.kind,
        engine: this.options.engine,
        spec,
        workDir: join(this.config.dataDir, "pulumi", "workspaces", project.name),
        pulumi: { ...this.config.pulumi, kubeconfig: this.config.kubeconfig },
        clearLock: previous?.error?.startsWith("interrupted") ?? false,
        mockStepMs: this.options.mockStepMs,
      };
      log.info("deployment started");
      const markStackCreated = async () => {
        await Project.query().patch({ stackCreatedAt: new Date() }).where({ id: project.id }).whereNull("stackCreatedAt");
      };
      const outcome = await this.runEngine(deployment, request, events, markStackCreated);
      await events.flush();
      await this.finish(deployment, outcome);
      log.info({ status: outcome.status, error: outcome.error }, "deployment finished");
      if (deployment.kind === "destroy" && outcome.status === "succeeded") {
        await Project.query().deleteById(project.id);
        log.info("project deleted after its stack was destroyed");
      }
    } catch (error) {
      log.error({ err: error }, "deployment failed in the portal");
      await this.finish(deployment, { status: "failed", error: "The portal could not run this deployment; see its log." });
    } finally {
      clearInterval(heartbeat);
    }
  }

  private runEngine(
    deployment: Deployment,
    request: EngineRequest,
    events: EventWriter,
    onStackReady: () => Promise<unknown>,
  ): Promise<{ status: DeploymentStatus; error?: string; summary?: Record<string, number>; outputs?: Record<string, unknown> }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [...ENGINE_NODE_ARGS, ENGINE_PROCESS], { stdio: ["pipe", "pipe", "pipe"] });
      const entry: RunningEngine = { child };
      this.running.set(deployment.id, entry);
      let result: EngineMessage & { type: "result" } | undefined;
      let failure: string | undefined;
      let stackReady = false;
      const stderr: string[] = [];
      child.stdin!.on("error", () => undefined);
      // The request holds secret values: stdin, never argv or the environment.
      child.stdin!.write(`${JSON.stringify(request)}\n`);
      createInterface({ input: child.stdout! }).on("line", (line) => {
        let message: EngineMessage;
        try {
          message = JSON.parse(line) as EngineMessage;
        } catch {
          events.add("output", { line });
          return;
        }
        if (message.type === "event") {
          if (!stackReady) {
            stackReady = true;
            void onStackReady();
          }
          events.add("progress", message.event);
        } else if (message.type === "output") events.add("output", { line: message.line });
        else if (message.type === "result") result = message;
        else failure = message.message;
      });
      createInterface({ input: child.stderr! }).on("line", (line) => {
        stderr.push(line);
        if (stderr.length > 20) stderr.shift();
      });
      child.on("exit", (code, signal) => {
        this.running.delete(deployment.id);
        if (entry.cancelled) return resolve({ status: "cancelled", error: entry.cancelled });
        if (code === 0 && result) return resolve({ status: "succeeded", summary: result.summary, outputs: result.outputs });
        this.logger.debug({ deploymentId: deployment.id, code, signal, stderr: stderr.join("\n") }, "engine process ended");
        resolve({ status: "failed", error: failure ?? `The engine stopped unexpectedly (${signal ?? `exit code ${code}`}).` });
      });
    });
  }

  private async finish(deployment: Deployment, outcome: { status: DeploymentStatus; error?: string; summary?: Record<string, number>; outputs?: Record<string, unknown> }): Promise<void> {
    await this.db.models.Deployment.query()
      .patch({ status: outcome.status, error: outcome.error ?? null, summary: outcome.summary ?? null, outputs: outcome.outputs ?? null, finishedAt: new Date() })
      .where({ id: deployment.id, status: "running" });
    await notify(this.db.knex, DEPLOYMENT_EVENTS_CHANNEL, deployment.id);
  }

  /** A cancel request for a run in this process: SIGINT first (the engine stops cleanly), then SIGKILL. */
  cancel(deploymentId: string, reason = "cancelled", graceMs = CANCEL_GRACE_MS): void {
    const entry = this.running.get(deploymentId);
    if (!entry) return;
    entry.cancelled = reason;
    entry.child.kill("SIGINT");
    setTimeout(() => entry.child.exitCode === null && entry.child.kill("SIGKILL"), graceMs).unref();
  }

  /**
   * Marks runs whose heartbeat stopped as failed ("interrupted"), and releases the queue jobs their dead
   * workers held, so the next deployment of the project can start.
   */
  async recover(utils: WorkerUtils): Promise<number> {
    const stale = await this.db.models.Deployment.query()
      .patch({ status: "failed", error: INTERRUPTED, finishedAt: new Date() })
      .where({ status: "running" })
      .where("heartbeatAt", "<", new Date(Date.now() - this.options.staleAfterMs))
      .returning("*");
    const workers = [...new Set(stale.map((deployment) => deployment.workerId).filter((worker): worker is string => worker !== null))];
    if (workers.length > 0) await utils.forceUnlockWorkers(workers);
    for (const deployment of stale) {
      await notify(this.db.knex, DEPLOYMENT_EVENTS_CHANNEL, deployment.id);
      this.logger.warn({ deploymentId: deployment.id }, "deployment interrupted: its portal stopped");
    }
    return stale.length;
  }

  /** Stops every engine of this process (shutdown, which must end within seconds): they end as cancelled. */
  async stopAll(): Promise<void> {
    const exits = [...this.running.entries()].map(([id, entry]) => {
      const exited = new Promise((resolve) => entry.child.once("exit", resolve));
      this.cancel(id, "cancelled: the portal shut down while this deployment ran; deploy again", 2000);
      return exited;
    });
    await Promise.all(exits);
  }
}
