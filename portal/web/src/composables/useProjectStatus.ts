/**
 * A project's live status, shared by every section of a page that shows it: one poller per project, held
 * while any component uses it, so the apps table, the header and a deployment's verdict make one request
 * between them and never two at once.
 *
 * Polls every 5 s while the tab is visible. A hidden tab, a failed request, or a cluster that is not there
 * (not configured, unreachable) doubles the wait up to 60 s, since asking more often would show nothing new;
 * the tab becoming visible again, or a deploy finishing, asks at once.
 */
import type { AppStatus, ProjectStatus } from "@babyhelm/sdk/api";
import { computed, shallowRef, toValue, watch, type MaybeRefOrGetter, type ShallowRef } from "vue";
import { ApiError } from "../api/errors.js";
import { fetchProjectStatus } from "../api/status.js";
import { singleFlight } from "./singleFlight.js";

export const STATUS_POLL_MS = 5_000;
export const STATUS_MAX_POLL_MS = 60_000;

interface Poller {
  status: ShallowRef<ProjectStatus | null>;
  error: ShallowRef<ApiError | null>;
  loading: ShallowRef<boolean>;
  refresh(): Promise<void>;
  users: number;
  stop(): void;
}

const pollers = new Map<string, Poller>();

function hidden(): boolean {
  return typeof document !== "undefined" && document.visibilityState === "hidden";
}

function createPoller(project: string): Poller {
  const status = shallowRef<ProjectStatus | null>(null);
  const error = shallowRef<ApiError | null>(null);
  const loading = shallowRef(false);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let controller: AbortController | undefined;
  let backoff = 0;
  let stopped = false;

  function schedule() {
    clearTimeout(timer);
    if (stopped) return;
    timer = setTimeout(() => void refresh(), Math.min(STATUS_MAX_POLL_MS, STATUS_POLL_MS * 2 ** backoff));
  }

  async function run(): Promise<void> {
    clearTimeout(timer);
    controller = new AbortController();
    loading.value = true;
    let quiet = hidden();
    try {
      const answer = await fetchProjectStatus(project, controller.signal);
      if (stopped) return;
      status.value = answer;
      error.value = null;
      if (answer.cluster !== "connected") quiet = true;
    } catch (caught) {
      if (stopped) return;
      // The last answer stays on screen; the error says it is no longer fresh.
      error.value = caught instanceof ApiError ? caught : new ApiError(0, "unknown", "Something went wrong.");
      quiet = true;
    } finally {
      loading.value = false;
    }
    backoff = quiet ? Math.min(backoff + 1, Math.ceil(Math.log2(STATUS_MAX_POLL_MS / STATUS_POLL_MS))) : 0;
    schedule();
  }

  // A refresh asked for during a request (a deploy that just ended) runs once more after it.
  const { refresh, busy } = singleFlight(run, () => stopped);

  function onVisibility() {
    if (hidden()) return;
    backoff = 0;
    if (!busy()) void refresh();
  }
  document.addEventListener("visibilitychange", onVisibility);

  void refresh();
  return {
    status,
    error,
    loading,
    refresh,
    users: 0,
    stop() {
      stopped = true;
      clearTimeout(timer);
      controller?.abort();
      document.removeEventListener("visibilitychange", onVisibility);
    },
  };
}

function acquire(project: string): Poller {
  let poller = pollers.get(project);
  if (!poller) {
    poller = createPoller(project);
    pollers.set(project, poller);
  }
  poller.users++;
  return poller;
}

function release(project: string, poller: Poller): void {
  if (--poller.users > 0) return;
  poller.stop();
  if (pollers.get(project) === poller) pollers.delete(project);
}

export function useProjectStatus(project: MaybeRefOrGetter<string>) {
  const current = shallowRef<Poller | null>(null);
  watch(
    () => toValue(project),
    (name, _previous, onCleanup) => {
      const poller = acquire(name);
      current.value = poller;
      onCleanup(() => release(name, poller));
    },
    { immediate: true },
  );
  // The watcher's cleanup also runs when the component's scope ends (Vue 3.5): that lets the poller go.

  const status = computed(() => current.value?.status.value ?? null);
  return {
    status,
    error: computed(() => current.value?.error.value ?? null),
    loading: computed(() => current.value?.loading.value ?? false),
    /** The cluster answered and the project's namespace is there: health per app means something. */
    live: computed(() => status.value?.cluster === "connected" && status.value.deployed),
    app: (name: string): AppStatus | undefined => status.value?.apps.find((candidate) => candidate.name === name),
    refresh: () => current.value?.refresh() ?? Promise.resolve(),
  };
}
