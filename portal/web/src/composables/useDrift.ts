/**
 * A project's drift: what its last drift check found, read against what was deployed since. Read once, again
 * every DRIFT_POLL_MS while a check waits or runs (the check is queued behind the project's deploys), and
 * again when a deployment of the project succeeds (which may have put the cluster back, or outdated the
 * check). Never two requests out: asking while one is out asks once more after it.
 */
import type { Drift } from "@babyhelm/sdk/api";
import { onScopeDispose, shallowRef, toValue, watch, type MaybeRefOrGetter } from "vue";
import { fetchDrift, requestDriftCheck } from "../api/drift.js";
import { ApiError } from "../api/errors.js";
import { useProjectsStore } from "../stores/projects.js";
import { singleFlight } from "./singleFlight.js";

export const DRIFT_POLL_MS = 2_000;

const asApiError = (caught: unknown) => (caught instanceof ApiError ? caught : new ApiError(0, "unknown", "Something went wrong."));

export function useDrift(project: MaybeRefOrGetter<string>) {
  const projects = useProjectsStore();
  const drift = shallowRef<Drift | null>(null);
  const error = shallowRef<ApiError | null>(null);
  /** Why asking for a check, or putting the cluster back, was refused. */
  const actionError = shallowRef<ApiError | null>(null);
  /** The POST asking for a check is out. */
  const requesting = shallowRef(false);
  let name = toValue(project);
  let controller: AbortController | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  async function run(): Promise<void> {
    clearTimeout(timer);
    const asked = name;
    controller = new AbortController();
    try {
      const answer = await fetchDrift(asked, controller.signal);
      if (asked !== name || stopped) return;
      drift.value = answer;
      error.value = null;
    } catch (caught) {
      if (asked !== name || stopped || controller.signal.aborted) return;
      // What was shown stays; the error says it may be stale.
      error.value = asApiError(caught);
      return;
    }
    if (drift.value?.pending) timer = setTimeout(() => void refresh(), DRIFT_POLL_MS);
  }

  const { refresh } = singleFlight(run, () => stopped);

  /** A deploy with refresh: the cluster's objects are read back first, so outside changes are put back. */
  async function putBack(): Promise<void> {
    requesting.value = true;
    try {
      await projects.deploy(name, { refresh: true });
      actionError.value = null;
    } catch (caught) {
      actionError.value = asApiError(caught);
    } finally {
      requesting.value = false;
    }
  }

  /** Queues a check (developers and owners), then follows it until it has ended. */
  async function check(): Promise<void> {
    requesting.value = true;
    try {
      const queued = await requestDriftCheck(name);
      if (drift.value && queued) drift.value = { ...drift.value, pending: { id: queued.id, status: queued.status } };
      actionError.value = null;
    } catch (caught) {
      actionError.value = asApiError(caught);
      return;
    } finally {
      requesting.value = false;
    }
    await refresh();
  }

  watch(
    () => toValue(project),
    (next, _previous, onCleanup) => {
      name = next;
      drift.value = null;
      error.value = null;
      actionError.value = null;
      void refresh();
      onCleanup(() => {
        clearTimeout(timer);
        controller?.abort();
      });
    },
    { immediate: true },
  );

  // A deployment that has just succeeded may have put the cluster back (with refresh) or made the check old.
  watch(
    () => projects.deployments.find((deployment) => deployment.kind === "up" && deployment.status === "succeeded")?.id,
    (id, previous) => {
      if (id !== previous) void refresh();
    },
  );

  onScopeDispose(() => {
    stopped = true;
    clearTimeout(timer);
    controller?.abort();
  });

  return { drift, error, actionError, requesting, check, putBack, refresh };
}
