/**
 * A project's (or one app's) metrics through the one API client: the four panels fetched side by side, again
 * every minute while the component lives (skipped while the tab is hidden, caught up when it shows again).
 * An answer that arrives after the range, project or app has changed is dropped, so the charts never show a
 * figure for a range other than the one selected.
 */
import { endpoints, PANELS, type MetricsAnswer, type MetricsPanelName } from "@babyhelm/sdk/api";
import { computed, onBeforeUnmount, onMounted, reactive, ref, toValue, watch, type MaybeRefOrGetter, type Ref } from "vue";
import { client } from "../api/client.js";
import { ApiError } from "../api/errors.js";

export const METRIC_PANELS: readonly MetricsPanelName[] = PANELS;

/** What the range selector offers; the API takes any Prometheus duration from 5m to 30d. */
export const METRIC_RANGES = [
  { value: "1h", label: "1h", description: "the last hour" },
  { value: "6h", label: "6h", description: "the last 6 hours" },
  { value: "24h", label: "24h", description: "the last 24 hours" },
  { value: "7d", label: "7d", description: "the last 7 days" },
] as const;
export type MetricsRange = (typeof METRIC_RANGES)[number]["value"];

export const METRICS_REFRESH_MS = 60_000;

export interface PanelState {
  data: MetricsAnswer | null;
  error: ApiError | null;
}

function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError(0, "unknown", "Something went wrong.");
}

/** Only http(s) links leave the page, whatever the server says. */
function safeLink(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.toString() : null;
  } catch {
    return null;
  }
}

export function useMetrics(
  project: MaybeRefOrGetter<string>,
  app: MaybeRefOrGetter<string | undefined>,
  range: Ref<MetricsRange>,
  options: {
    refreshMs?: number;
    /** Resolves to the server's sentence when the portal has no metrics (GET /api/config): nothing is asked then. */
    switchedOff?: () => Promise<string | undefined>;
  } = {},
) {
  const refreshMs = options.refreshMs ?? METRICS_REFRESH_MS;
  const panels = reactive(Object.fromEntries(METRIC_PANELS.map((panel) => [panel, { data: null, error: null }])) as Record<MetricsPanelName, PanelState>);
  const loading = ref(false);
  const lastLoaded = ref<number | null>(null);
  const switchedOff = ref<string | null>(null);
  let generation = 0;

  async function fetchPanel(panel: MetricsPanelName): Promise<MetricsAnswer> {
    const appName = toValue(app);
    return client.call(endpoints.getMetricsPanel, { params: { name: toValue(project) }, query: { panel, range: range.value, ...(appName ? { app: appName } : {}) } });
  }

  async function refresh(): Promise<void> {
    if (switchedOff.value !== null) return;
    const current = ++generation;
    loading.value = true;
    const answers = await Promise.allSettled(METRIC_PANELS.map((panel) => fetchPanel(panel)));
    if (current !== generation) return;
    METRIC_PANELS.forEach((panel, index) => {
      const answer = answers[index]!;
      if (answer.status === "fulfilled") {
        panels[panel].data = answer.value;
        panels[panel].error = null;
      } else {
        // A failed refresh keeps the last figures on screen, with the error beside them.
        panels[panel].error = asApiError(answer.reason);
      }
    });
    loading.value = false;
    lastLoaded.value = Date.now();
  }

  function clear() {
    for (const panel of METRIC_PANELS) Object.assign(panels[panel], { data: null, error: null });
  }

  /** The portal has no Prometheus: the server's sentence saying so, which names PROMETHEUS_URL. */
  const notConfigured = computed(
    () => switchedOff.value ?? METRIC_PANELS.map((panel) => panels[panel].error).find((error) => error?.code === "metrics_not_configured")?.message ?? null,
  );
  /** One error for the whole panel when every chart failed the same way (Prometheus down, project gone). */
  const commonError = computed(() => {
    const errors = METRIC_PANELS.map((panel) => panels[panel].error);
    if (errors.some((error) => !error)) return null;
    const messages = new Set(errors.map((error) => error!.message));
    return messages.size === 1 ? errors[0]! : null;
  });
  const grafanaUrl = computed(() => safeLink(METRIC_PANELS.map((panel) => panels[panel].data?.grafanaUrl).find(Boolean)));

  watch([() => toValue(project), () => toValue(app)], () => {
    clear();
    void refresh();
  });
  watch(range, () => void refresh());

  let timer: ReturnType<typeof setInterval> | undefined;
  const hidden = () => typeof document !== "undefined" && document.visibilityState === "hidden";
  const onVisibility = () => {
    if (!hidden() && lastLoaded.value !== null && Date.now() - lastLoaded.value >= refreshMs) void refresh();
  };
  let unmounted = false;
  onMounted(async () => {
    const off = await options.switchedOff?.();
    if (unmounted) return;
    if (off !== undefined) {
      switchedOff.value = off;
      return;
    }
    void refresh();
    timer = setInterval(() => {
      if (!hidden() && !loading.value) void refresh();
    }, refreshMs);
    document.addEventListener("visibilitychange", onVisibility);
  });
  onBeforeUnmount(() => {
    unmounted = true;
    clearInterval(timer);
    document.removeEventListener("visibilitychange", onVisibility);
    // Answers still on their way are for a component that is gone.
    generation += 1;
  });

  return { panels, loading, lastLoaded, notConfigured, commonError, grafanaUrl, refresh };
}
