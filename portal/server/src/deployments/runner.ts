/**
 * Runs deployments: the graphile-worker task for the per-project queues. Each run's engine works in a
 * process of its own (engine-process.ts); this side feeds it the request, stores its progress, keeps a
 * heartbeat, stops it on cancel or time-out, and records how it ended. A run whose heartbeat stops (its
 * portal was killed) is marked failed as "interrupted" by whichever portal notices, and its queue is
 * unlocked. Killing an engine kills its whole process tree (process-tree.ts), the Pulumi CLI and its
 * plugins included: after a kill no engine can still hold the stack, and the next run may clear its lock.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { ProjectSpec } from "@babyhelm/sdk";
import type { JobHelpers, WorkerUtils } from "graphile-worker";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import type { Database } from "../db/database.js";
import { notify } from "../db/notifications.js";
import type { Deployment, DeploymentStatus } from "../models/Deployment.js";
import type { Projects } from "../services/projects/index.js";
import { DEPLOYMENT_JOBS_SCHEMA } from "../jobs/worker.js";
import { DEPLOYMENT_EVENTS_CHANNEL, DEPLOYMENT_JOB_KEY_PREFIX, DEPLOY_TASK } from "./channels.js";
import { EventWriter, maskSecrets } from "./event-writer.js";
import { killTree } from "./process-tree.js";
import type { PlanStep } from "./plan.js";
import type { EngineMessage, EngineName, EngineRequest } from "./protocol.js";
import { recordedSpec, recordOf, type DeploymentRecord } from "./records.js";
import { projectSecretChecksumKey } from "../services/secret-checksum-key.js";

export interface RunnerOptions {
  /** `pulumi` (default), or `mock`: the test engine, which runs the program under Pulumi's mocks. */
  engine: EngineName;
  /** The test engine's pause per resource. */
  mockStepMs?: number;
  /** How often a run says it is alive, and how long silence means it was interrupted. */
  heartbeatMs: number;
  staleAfterMs: number;
  /** A run still going after this long is cancelled. */
  timeoutMs: number;
}

const SHUT_DOWN = "cancelled: the portal shut down while this deployment ran; deploy again";
export const INTERRUPTED = "interrupted: the portal running this deployment stopped before it finished; deploy again";
/** How long after a run takes the spare engine the next one starts. */
const SPARE_DELAY_MS = 3000;
/** A cancelled engine gets this long to stop cleanly (Pulumi finishes the step it is in) before it is killed. */
const CANCEL_GRACE_MS = 10_000;

// import.meta.dirname, not URLs: the web app's tests replace the global URL with happy-dom's.
const ENGINE_PROCESS = join(import.meta.dirname, `engine-process.${import.meta.filename.endsWith(".ts") ? "ts" : "js"}`);
/** From TypeScript sources the engine process needs tsx and the workspaces' source entry points. */
const ENGINE_NODE_ARGS = ENGINE_PROCESS.endsWith(".ts") ? ["--conditions=@babyhelm/source", "--import", "tsx"] : [];

interface EngineOutcome {
  status: DeploymentStatus;
  error?: string;
  summary?: Record<string, number>;
  outputs?: Record<string, unknown>;
  plan?: PlanStep[];
  /** The engine got as far as the stack (it may exist now). */
  stackTouched?: boolean;
}

interface RunningEngine {
  child: ChildProcess;
  /** Why it was stopped, when it was: shown as the deployment's error. */
  cancelled?: string;
}

export class DeploymentRunner {
  private readonly running = new Map<string, RunningEngine>();
  /**
   * With the real engine, one engine process started ahead, its imports done, waiting on stdin for a
   * request: a run then starts without Node's, tsx's and Pulumi's load time (about 2 s of a 15 s first
   * deploy here). Each process still serves exactly one run.
   */
  private spare: ChildProcess | undefined;
  private stopping = false;

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
    // Cancelled while queued, deleted with its project, or already ended by recovery: nothing to do.
    if (!deployment) return;
    await notify(this.db.knex, DEPLOYMENT_EVENTS_CHANNEL, deployment.id);
    // A preview or drift check changes nothing in the cluster and leaves no stack behind that a delete must destroy.
    const planning = deployment.kind === "preview" || deployment.kind === "drift";
    // From here on the stack may exist: deleting the project must destroy it first, never just drop the
    // records. One statement, so a delete either sees the mark or removed the project before it was set.
    // The mark is taken back when the engine failed before it touched the stack (no Pulumi CLI, say).
    const unmarked = (await Project.query().findById(deployment.projectId))?.stackCreatedAt === null;
    const [project] = planning
      ? await Project.query().where({ id: deployment.projectId })
      : await Project.query()
          .patch({ stackCreatedAt: Project.raw("coalesce(stack_created_at, now())") as unknown as Date })
          .where({ id: deployment.projectId })
          .returning("*");
    if (!project) return;
    const log = this.logger.child({ deploymentId: deployment.id, project: project.name, kind: deployment.kind });
    const heartbeat = setInterval(() => {
      Deployment.query()
        .patch({ heartbeatAt: new Date() })
        .where({ id: deployment.id })
        .catch((error: unknown) => log.warn({ err: error }, "heartbeat failed"));
    }, this.options.heartbeatMs);
    try {
      // A drift check or platform upgrade uses what the project last deployed, never changes its members
      // have not deployed yet (the record was copied onto this deployment when it was queued).
      const spec = deployment.specFrom ? recordedSpec(deployment, this.config.secretsKey) : await this.projects.spec(project, "plain");
      const secretChecksumKey = projectSecretChecksumKey(this.config.secretsKey, spec.name);
      // The checksum key too: nothing should print it, and if anything did, the log would not keep it.
      const secrets = [...spec.apps.flatMap((app) => Object.values(app.secretEnv ?? {})), secretChecksumKey].filter((value) => value.length >= 4);
      const events = new EventWriter(this.db, deployment.id, secrets, (error) => void this.lostEvents(deployment.id, error, log));
      if (deployment.kind !== "destroy") {
        const problem = await this.record(deployment, spec);
        if (problem) {
          if (unmarked && !planning) await Project.query().patch({ stackCreatedAt: null }).where({ id: project.id });
          await this.finish(deployment, { status: "failed", error: problem });
          return;
        }
      }
      const request: EngineRequest = {
        kind: deployment.kind,
        engine: this.options.engine,
        spec,
        platform: this.config.platform,
        secretChecksumKey,
        workDir: join(this.config.dataDir, "pulumi", "workspaces", project.name),
        pulumi: { ...this.config.pulumi, kubeconfig: this.config.kubeconfig },
        refresh: deployment.refresh,
        removeStackAfter: deployment.kind === "preview" && unmarked,
        clearLock: await this.previousRunWasKilled(deployment),
        mockStepMs: this.options.mockStepMs,
      };
      log.info("deployment started");
      const outcome = await this.runEngine(deployment, request, events);
      await events.flush();
      if (unmarked && !planning && !outcome.stackTouched) await Project.query().patch({ stackCreatedAt: null }).where({ id: project.id });
      if (outcome.error) outcome.error = maskSecrets(outcome.error, secrets);
      await this.finish(deployment, outcome);
      log.info({ status: outcome.status, error: outcome.error }, "deployment finished");
      if (deployment.kind === "destroy" && outcome.status === "succeeded") {
        await this.db.knex.transaction((trx) => this.projects.deleteRecords(trx, project.id));
        log.info("project deleted after its stack was destroyed");
      }
    } catch (error) {
      log.error({ err: error }, "deployment failed in the portal");
      await this.finish(deployment, { status: "failed", error: "The portal could not run this deployment; see its log." });
    } finally {
      clearInterval(heartbeat);
    }
  }

  /** Starts the spare engine, unless there is one (real engine only; the test engine's runs are short). */
  warmUp(): void {
    if (this.options.engine !== "pulumi" || this.stopping || this.spare) return;
    const spare = spawnEngine();
    this.spare = spare;
    spare.once("exit", () => {
      if (this.spare === spare) this.spare = undefined;
    });
  }

  /**
   * The spare engine, or a new one. The next spare starts a little later, while this run works, so that
   * back-to-back runs find one ready without its start competing with this run's own.
   */
  private takeEngine(): ChildProcess {
    const spare = this.spare;
    this.spare = undefined;
    setTimeout(() => this.warmUp(), SPARE_DELAY_MS).unref();
    if (spare && spare.exitCode === null && spare.signalCode === null) return spare;
    return spawnEngine();
  }

  private runEngine(deployment: Deployment, request: EngineRequest, events: EventWriter): Promise<EngineOutcome> {
    // stopAll cancels the engines it finds; a run still on its way to one when the portal began to stop
    // would start it after that, and keep the shutdown waiting on a whole deploy.
    if (this.stopping) return Promise.resolve({ status: "cancelled", error: SHUT_DOWN, stackTouched: false });
    return new Promise((resolve) => {
      const child = this.takeEngine();
      const entry: RunningEngine = { child };
      this.running.set(deployment.id, entry);
      const timeout = setTimeout(() => {
        this.cancel(deployment.id, `cancelled: still running after ${Math.round(this.options.timeoutMs / 60_000)} minutes (DEPLOY_TIMEOUT_MS); deploy again`);
      }, this.options.timeoutMs);
      // A cancel that arrived before this run was listed in `running` is only in the database.
      void this.db.models.Deployment.query()
        .findById(deployment.id)
        .then((current) => {
          if (!current) this.cancel(deployment.id, "cancelled: the project was deleted");
          else if (current.cancelRequestedAt) this.cancel(deployment.id);
        })
        .catch(() => undefined);
      let result: (EngineMessage & { type: "result" }) | undefined;
      let stackTouched = false;
      let failure: string | undefined;
      const stderr: string[] = [];
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
        if (message.type === "stack") stackTouched = true;
        else if (message.type === "event") events.add("progress", message.event);
        else if (message.type === "output") events.add("output", { line: message.line });
        else if (message.type === "result") result = message;
        else failure = message.message;
      });
      createInterface({ input: child.stderr! }).on("line", (line) => {
        stderr.push(line);
        if (stderr.length > 20) stderr.shift();
      });
      child.on("exit", (code, signal) => {
        clearTimeout(timeout);
        this.running.delete(deployment.id);
        // A cancel that came too late: the update finished, and that is what happened to the cluster.
        if (code === 0 && result) return resolve({ status: "succeeded", summary: result.summary, outputs: result.outputs, plan: result.plan, stackTouched });
        if (entry.cancelled) return resolve({ status: "cancelled", error: entry.cancelled, stackTouched });
        this.logger.debug(
          {
            deploymentId: deployment.id,
            code,
            signal,
            stderr: maskSecrets(
              stderr.join("\n"),
              request.spec.apps.flatMap((app) => Object.values(app.secretEnv ?? {})),
            ),
          },
          "engine process ended",
        );
        resolve({ status: "failed", error: failure ?? `The engine stopped unexpectedly (${signal ?? `exit code ${code}`}).`, stackTouched });
      });
    });
  }

  /**
   * The project's previous run that reached its engine was killed (cancelled, timed out, interrupted): its
   * lock may still be on the stack, and nothing can still hold it (see the header), so the next run clears it.
   */
  private async previousRunWasKilled(deployment: Deployment): Promise<boolean> {
    const previous = await this.db.models.Deployment.query()
      .where({ projectId: deployment.projectId })
      .whereNot({ id: deployment.id })
      .whereNotNull("startedAt")
      .whereNotNull("finishedAt")
      .orderBy("id", "desc")
      .first();
    return previous !== undefined && (previous.status === "cancelled" || (previous.error?.startsWith("interrupted") ?? false));
  }

  /** Progress that could not be stored: when the deployment is gone (its project was deleted), stop the engine. */
  private async lostEvents(deploymentId: string, error: unknown, log: Logger): Promise<void> {
    const exists = await this.db.models.Deployment.query()
      .findById(deploymentId)
      .then(Boolean, () => true);
    if (exists) log.warn({ err: error }, "deployment progress could not be stored");
    else this.cancel(deploymentId, "cancelled: the project was deleted");
  }

  /**
   * Keeps what this run deploys (or previews) on the deployment; a spec this SDK cannot render on this
   * platform is the run's failure, said in the spec's own words.
   */
  private async record(deployment: Deployment, spec: ProjectSpec): Promise<string | undefined> {
    let record: DeploymentRecord;
    try {
      record = recordOf(spec, this.config.platform, this.config.secretsKey, deployment);
    } catch (error) {
      // The SDK's own words (ProjectSpecError names the field); nothing secret is in them.
      return `The project cannot be rendered: ${error instanceof Error ? error.message : String(error)}`;
    }
    await this.db.models.Deployment.query()
      .patch(record as never)
      .where({ id: deployment.id });
    return undefined;
  }

  private async finish(deployment: Deployment, outcome: EngineOutcome): Promise<void> {
    await this.db.models.Deployment.query()
      .patch({
        status: outcome.status,
        error: outcome.error ?? null,
        summary: outcome.summary ?? null,
        outputs: outcome.outputs ?? null,
        plan: outcome.plan ?? null,
        finishedAt: new Date(),
      })
      .where({ id: deployment.id, status: "running" });
    await notify(this.db.knex, DEPLOYMENT_EVENTS_CHANNEL, deployment.id);
  }

  /**
   * A cancel request for a run in this process: SIGINT to the engine alone (it asks Pulumi to stop cleanly;
   * a second SIGINT to the CLI would make Pulumi abandon the update at once), then SIGKILL to its tree.
   */
  cancel(deploymentId: string, reason = "cancelled", graceMs = CANCEL_GRACE_MS): void {
    const entry = this.running.get(deploymentId);
    if (!entry || entry.cancelled) return;
    entry.cancelled = reason;
    entry.child.kill("SIGINT");
    setTimeout(() => {
      if (entry.child.exitCode !== null || entry.child.signalCode !== null || entry.child.pid === undefined) return;
      killTree(entry.child.pid);
    }, graceMs).unref();
  }

  /**
   * Marks runs whose heartbeat stopped as failed ("interrupted"), and releases the queue jobs their dead
   * workers held, so the next deployment of the project can start. That includes jobs whose run had ended
   * (or whose project is gone) when their worker stopped before recording the job as done: graphile-worker
   * would keep such a queue locked for four hours.
   */
  async recover(utils: WorkerUtils): Promise<number> {
    const staleBefore = new Date(Date.now() - this.options.staleAfterMs);
    const stale = await this.db.models.Deployment.query()
      .patch({ status: "failed", error: INTERRUPTED, finishedAt: new Date() })
      .where({ status: "running" })
      .where("heartbeatAt", "<", staleBefore)
      .returning("*");
    const { rows: leftovers } = await this.db.knex.raw<{ rows: { locked_by: string }[] }>(
      `select distinct job.locked_by from ??.jobs job
        where job.task_identifier = ? and job.locked_by is not null and job.locked_at < ? and starts_with(job.key, ?)
          and not exists (select 1 from deployments where deployments.id::text = substr(job.key, ?) and deployments.status in ('queued', 'running'))`,
      [DEPLOYMENT_JOBS_SCHEMA, DEPLOY_TASK, staleBefore, DEPLOYMENT_JOB_KEY_PREFIX, DEPLOYMENT_JOB_KEY_PREFIX.length + 1],
    );
    const workers = [
      ...new Set([...stale.map((deployment) => deployment.workerId), ...leftovers.map((row) => row.locked_by)].filter((worker): worker is string => worker !== null)),
    ];
    if (workers.length > 0) await utils.forceUnlockWorkers(workers);
    for (const deployment of stale) {
      await notify(this.db.knex, DEPLOYMENT_EVENTS_CHANNEL, deployment.id);
      this.logger.warn({ deploymentId: deployment.id }, "deployment interrupted: its portal stopped");
    }
    return stale.length;
  }

  /** Stops every engine of this process (shutdown, which must end within seconds): they end as cancelled. */
  async stopAll(): Promise<void> {
    this.stopping = true;
    // A spare holds nothing yet; ending its stdin would stop it only once its imports have loaded (seconds,
    // longer under load, and past the 5 s a shutdown may take), so it is killed.
    const spare = this.spare;
    const spareExited = spare && spare.exitCode === null && spare.signalCode === null ? new Promise((resolve) => spare.once("exit", resolve)) : undefined;
    spare?.kill("SIGKILL");
    const exits = [...this.running.entries()].map(([id, entry]) => {
      const exited = new Promise((resolve) => entry.child.once("exit", resolve));
      this.cancel(id, SHUT_DOWN, 2000);
      return exited;
    });
    await Promise.all([...exits, spareExited]);
  }
}

function spawnEngine(): ChildProcess {
  // detached: the engine leads a process group of its own, apart from the portal's (see cancel).
  const child = spawn(process.execPath, [...ENGINE_NODE_ARGS, ENGINE_PROCESS], { stdio: ["pipe", "pipe", "pipe"], detached: true });
  child.stdin!.on("error", () => undefined);
  return child;
}
