/**
 * The deploy dialog's review: the engine's preview of the stored spec (POST /previews), its per-resource
 * plan once it has run. When there is no preview to show (no engine on this portal, a preview that failed,
 * a user who may not run one), the offline comparison of the spec last deployed with the spec now, with the
 * reason the preview is not there.
 *
 * One preview at a time: asking again (the dialog opened anew) forgets the one before; a preview the portal
 * has not finished within the POST's wait is read again every PREVIEW_POLL_MS, for at most PREVIEW_TIMEOUT_MS.
 */
import type { DeploymentStatus, DeploymentSummary, PlanStep } from "@babyhelm/sdk/api";
import { onScopeDispose, shallowRef, toValue, type MaybeRefOrGetter } from "vue";
import { fetchDeployment, requestPreview } from "../api/deployments.js";
import { errorMessage } from "../api/errors.js";
import { fetchSpec } from "../api/projects.js";
import { useProjectsStore } from "../stores/projects.js";
import { specDiff } from "./specDiff.js";

export const PREVIEW_POLL_MS = 1_500;
export const PREVIEW_TIMEOUT_MS = 5 * 60_000;

export type PreviewView =
  | { phase: "idle" }
  /** status: the preview's while it waits in the project's queue or runs; null before the portal answered. */
  | { phase: "loading"; status: DeploymentStatus | null }
  | { phase: "plan"; preview: DeploymentSummary; plan: PlanStep[] }
  /** changes: the offline comparison's sentences, null while it is being made. */
  | { phase: "offline"; reason: string; changes: string[] | null };

const FINAL = new Set<DeploymentStatus>(["succeeded", "failed", "cancelled"]);

/** The first line of an engine's error, for a sentence: the whole log is on the deployment. */
export function shortReason(text: string): string {
  const line = text.trim().split("\n")[0]!.trim();
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export function usePreview(project: MaybeRefOrGetter<string>) {
  const projects = useProjectsStore();
  const view = shallowRef<PreviewView>({ phase: "idle" });
  let generation = 0;
  let controller: AbortController | undefined;

  /** The spec last deployed against the spec now, as sentences (specDiff). */
  async function offlineChanges(name: string): Promise<string[]> {
    try {
      const [spec, lastDeployed] = await Promise.all([
        fetchSpec(name),
        (async () => {
          const last = projects.deployments.find((deployment) => deployment.kind === "up" && deployment.status === "succeeded");
          return last ? (await fetchDeployment(name, last.id)).spec : undefined;
        })(),
      ]);
      return specDiff(lastDeployed as never, spec as never);
    } catch (caught) {
      return [`Cannot compare with the last deployment: ${errorMessage(caught)}`];
    }
  }

  async function fallBack(mine: number, name: string, reason: string): Promise<void> {
    view.value = { phase: "offline", reason, changes: null };
    const changes = await offlineChanges(name);
    if (mine === generation) view.value = { phase: "offline", reason, changes };
  }

  async function start(): Promise<void> {
    const mine = ++generation;
    controller?.abort();
    const signal = (controller = new AbortController()).signal;
    const name = toValue(project);
    view.value = { phase: "loading", status: null };
    let preview: DeploymentSummary;
    try {
      preview = await requestPreview(name, undefined, signal);
      const deadline = Date.now() + PREVIEW_TIMEOUT_MS;
      while (!FINAL.has(preview.status)) {
        if (mine !== generation) return;
        view.value = { phase: "loading", status: preview.status };
        if (Date.now() > deadline) return fallBack(mine, name, `it did not finish within ${PREVIEW_TIMEOUT_MS / 60_000} minutes`);
        await sleep(PREVIEW_POLL_MS, signal);
        if (mine !== generation) return;
        preview = await fetchDeployment(name, preview.id, signal);
      }
    } catch (caught) {
      if (mine !== generation) return;
      return fallBack(mine, name, errorMessage(caught));
    }
    if (mine !== generation) return;
    if (preview.status !== "succeeded") return fallBack(mine, name, preview.error ? shortReason(preview.error) : `the preview ${preview.status}`);
    view.value = { phase: "plan", preview, plan: preview.plan ?? [] };
  }

  /** Forgets the preview being waited for (the dialog closed, the page left). */
  function stop(): void {
    generation++;
    controller?.abort();
    view.value = { phase: "idle" };
  }

  onScopeDispose(stop);
  return { view, start, stop };
}
