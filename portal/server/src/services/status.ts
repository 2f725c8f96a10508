/**
 * What runs in a project's namespace, read live. Answers for one project are shared for a moment: every
 * member's open project page asks every few seconds, and the API server should see one read, not one per tab.
 */
import { ClusterReader, ClusterUnreachable } from "../status/cluster-reader.js";
import { emptyStatus, projectStatus } from "../status/project-status.js";
import type { ProjectStatus } from "../status/types.js";
import type { Logger } from "pino";

/** How long one read of a namespace answers for all who ask. */
export const STATUS_SHARE_MS = 1_000;

interface Shared {
  key: string;
  at: number;
  answer: Promise<ProjectStatus>;
}

export class ProjectStatuses {
  private readonly shared = new Map<string, Shared>();

  constructor(
    readonly reader: ClusterReader | undefined,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  static fromKubeconfig(kubeconfig: string | undefined, logger: Logger): ProjectStatuses {
    return new ProjectStatuses(kubeconfig ? ClusterReader.fromFile(kubeconfig) : undefined, logger);
  }

  /** `specApps`: the apps of the stored spec, in order. Never throws for the cluster's sake: its state is in the answer. */
  of(project: string, specApps: string[]): Promise<ProjectStatus> {
    const key = specApps.join(",");
    const now = this.now();
    const cached = this.shared.get(project);
    if (cached && cached.key === key && now - cached.at < STATUS_SHARE_MS) return cached.answer;
    const answer = this.read(project, specApps);
    this.shared.set(project, { key, at: now, answer });
    // Settled answers older than the window are dropped, so the map holds only projects being watched.
    const forget = () => setTimeout(() => this.shared.get(project)?.answer === answer && this.shared.delete(project), STATUS_SHARE_MS).unref();
    answer.then(forget, forget);
    return answer;
  }

  private async read(project: string, specApps: string[]): Promise<ProjectStatus> {
    if (!this.reader) return emptyStatus(project, "not_configured", "This portal is not connected to a cluster (KUBECONFIG is not set), so it cannot show what runs.", this.now());
    // The moment the read starts is its time: what it sees is at least this fresh (health alerts order reads by it).
    const startedAt = this.now();
    try {
      const namespace = await this.reader.namespace(project);
      if (!namespace) return emptyStatus(project, "connected", "The project has not been deployed yet: deploy it to see its apps run.", startedAt);
      const objects = await this.reader.objects(project);
      return projectStatus(project, specApps, objects, startedAt);
    } catch (error) {
      if (!(error instanceof ClusterUnreachable)) throw error;
      this.logger.warn({ project, reason: error.message }, "the cluster could not be read");
      return emptyStatus(project, "unreachable", "The cluster does not answer right now; what runs cannot be shown. Try again in a moment.", this.now());
    }
  }
}
