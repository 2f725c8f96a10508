/**
 * The admin's platform upgrade: what a redeploy would change per project, the projects chosen for the
 * rollout and its canary, the concurrency, and the rollout's progress, read every UPGRADE_POLL_MS while
 * it runs. Nothing is sent until `rollOut`, and then exactly the projects chosen on screen (never the
 * server's default "every changed project", which could include one that changed after the page was read).
 */
import { MAX_UPGRADE_CONCURRENCY, type Upgrade, type UpgradePlan, type UpgradeRequest } from "@babyhelm/sdk/api";
import { computed, onScopeDispose, ref, shallowRef, watch } from "vue";
import { ApiError } from "../api/errors.js";
import { fetchUpgrade, fetchUpgradePlan, startUpgrade } from "../api/upgrades.js";

export const UPGRADE_POLL_MS = 2_000;
export const DEFAULT_CONCURRENCY = 2;
export const MAX_CONCURRENCY = MAX_UPGRADE_CONCURRENCY;

const asApiError = (caught: unknown) => (caught instanceof ApiError ? caught : new ApiError(0, "unknown", "Something went wrong."));

export function useUpgrades() {
  const plan = shallowRef<UpgradePlan | null>(null);
  const loadError = shallowRef<ApiError | null>(null);
  /** The projects to upgrade (checkboxes' model); sent in the order they are listed. */
  const selected = ref<string[]>([]);
  const canary = ref<string | null>(null);
  /** The number input's model: "" while it is empty. */
  const concurrency = ref<number | "">(DEFAULT_CONCURRENCY);
  const starting = ref(false);
  /** The API's problems by what they are shown at: `project:<name>`, `projects`, `canary`, `concurrency`. */
  const problems = ref<Record<string, string>>({});
  const startError = ref<string | null>(null);
  /** The rollout shown with its progress: the one started here, or the one running when the page was read. */
  const rollout = shallowRef<Upgrade | null>(null);
  const pollError = shallowRef<ApiError | null>(null);

  const candidates = computed(() => plan.value?.projects ?? []);
  const changed = computed(() => candidates.value.filter((candidate) => candidate.changed));
  const unchanged = computed(() => candidates.value.filter((candidate) => !candidate.changed && !candidate.problem));
  /** Projects this portal's SDK cannot render any more: a redeploy would fail until their spec is fixed. */
  const unrenderable = computed(() => candidates.value.filter((candidate) => candidate.problem));
  const chosen = computed(() => changed.value.filter((candidate) => selected.value.includes(candidate.project)).map((candidate) => candidate.project));
  const running = computed(() => rollout.value?.status === "running" || (plan.value?.rollouts ?? []).some((upgrade) => upgrade.status === "running"));
  const pastRollouts = computed(() => (plan.value?.rollouts ?? []).filter((upgrade) => upgrade.id !== rollout.value?.id));

  // The canary is one of the chosen projects: unticking it hands the role to the first one left.
  watch(chosen, (names) => {
    if (canary.value === null || !names.includes(canary.value)) canary.value = names[0] ?? null;
  });

  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let controller: AbortController | undefined;

  async function load(): Promise<void> {
    controller?.abort();
    const current = (controller = new AbortController());
    try {
      const answer = await fetchUpgradePlan(current.signal);
      if (stopped || current.signal.aborted) return;
      plan.value = answer;
      loadError.value = null;
      selected.value = answer.projects.filter((candidate) => candidate.changed).map((candidate) => candidate.project);
      canary.value = selected.value[0] ?? null;
      problems.value = {};
      const live = answer.rollouts.find((upgrade) => upgrade.status === "running");
      if (live && rollout.value?.status !== "running") {
        rollout.value = live;
        schedule();
      }
    } catch (caught) {
      if (stopped || current.signal.aborted) return;
      loadError.value = asApiError(caught);
    }
  }

  function schedule(): void {
    clearTimeout(timer);
    if (stopped || rollout.value?.status !== "running") return;
    timer = setTimeout(() => void poll(), UPGRADE_POLL_MS);
  }

  async function poll(): Promise<void> {
    const id = rollout.value?.id;
    if (!id) return;
    try {
      const next = await fetchUpgrade(id);
      if (stopped || rollout.value?.id !== id) return;
      rollout.value = next;
      pollError.value = null;
      // Finished: the projects it upgraded now render as deployed, and it joins the rollouts listed.
      if (next.status !== "running") await load();
    } catch (caught) {
      if (stopped) return;
      // The last progress read stays on screen; the error says it is no longer fresh.
      pollError.value = asApiError(caught);
    }
    schedule();
  }

  function request(): UpgradeRequest {
    return { projects: chosen.value, ...(canary.value ? { canary: canary.value } : {}), concurrency: concurrency.value as number };
  }

  /** Starts the rollout of the chosen projects; false with the problems shown when the portal refuses it. */
  async function rollOut(): Promise<boolean> {
    if (starting.value) return false;
    problems.value = {};
    startError.value = null;
    if (typeof concurrency.value !== "number" || !Number.isInteger(concurrency.value)) {
      problems.value = { concurrency: "must be a whole number" };
      return false;
    }
    const body = request();
    starting.value = true;
    try {
      rollout.value = await startUpgrade(body);
      pollError.value = null;
      schedule();
      return true;
    } catch (caught) {
      const error = asApiError(caught);
      const shown: Record<string, string> = {};
      const elsewhere: string[] = [];
      for (const [path, message] of Object.entries(error.fields)) {
        const index = /^projects\[(\d+)\]$/.exec(path)?.[1];
        const project = index === undefined ? undefined : body.projects?.[Number(index)];
        if (project) shown[`project:${project}`] = message;
        else if (path === "projects" || path === "canary" || path === "concurrency") shown[path] = message;
        else elsewhere.push(`${path}: ${message}`);
      }
      problems.value = shown;
      startError.value =
        elsewhere.length > 0 ? elsewhere.join(" ") : Object.keys(shown).length > 0 ? "The rollout was not started: please correct the fields marked below." : error.message;
      // The page's picture was stale (another admin's rollout, projects upgraded meanwhile): read it again.
      if (error.code === "upgrade_running" || error.code === "nothing_to_upgrade") await load();
      return false;
    } finally {
      starting.value = false;
    }
  }

  void load();

  onScopeDispose(() => {
    stopped = true;
    clearTimeout(timer);
    controller?.abort();
  });

  return {
    plan,
    loadError,
    candidates,
    changed,
    unchanged,
    unrenderable,
    selected,
    chosen,
    canary,
    concurrency,
    starting,
    problems,
    startError,
    rollout,
    pollError,
    running,
    pastRollouts,
    request,
    rollOut,
    load,
  };
}

export type Upgrades = ReturnType<typeof useUpgrades>;
