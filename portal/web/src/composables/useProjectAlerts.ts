/**
 * A project's health alerts, kept fresh by the project's status poller rather than a timer of their own:
 * they are read once, again when an answer of the poller shows an app's health changed, and then on the
 * poller's next answers while the list still lacks the alert that change should bring (the portal's watcher
 * makes it on its own schedule) or a webhook POST is still on its way, at most ALERT_FOLLOW_UPS times after
 * each change. Never two requests out: asking while one is out asks once more after it.
 */
import type { HealthAlert, ProjectStatus } from "@babyhelm/sdk/api";
import { onScopeDispose, shallowRef, toValue, watch, type MaybeRefOrGetter } from "vue";
import { fetchAlerts } from "../api/alerts.js";
import { ApiError } from "../api/errors.js";
import { alertsBehind } from "./healthAlerts.js";
import { singleFlight } from "./singleFlight.js";
import { useProjectStatus } from "./useProjectStatus.js";

/** Poller answers (5 s apart while the tab is visible) to wait for an alert the list lacks: about a minute. */
export const ALERT_FOLLOW_UPS = 12;

/** The health of each app the cluster shows, as one string; null when the answer shows no live health. */
function healthOf(status: ProjectStatus | null): string | null {
  if (!status || status.cluster !== "connected" || !status.deployed) return null;
  return status.apps
    .map((app) => `${app.name}=${app.health}`)
    .sort()
    .join(",");
}

export function useProjectAlerts(project: MaybeRefOrGetter<string>, options: { lastSucceededDeploymentId?: MaybeRefOrGetter<string | null | undefined> } = {}) {
  const live = useProjectStatus(project);
  const alerts = shallowRef<HealthAlert[] | null>(null);
  const error = shallowRef<ApiError | null>(null);
  const loading = shallowRef(false);

  let name = toValue(project);
  let controller: AbortController | undefined;
  let followUps = ALERT_FOLLOW_UPS;
  let health: string | null = null;
  let deploymentId: string | null | undefined;
  let stopped = false;

  async function run(): Promise<void> {
    const asked = name;
    controller = new AbortController();
    loading.value = true;
    try {
      const items = await fetchAlerts(asked, controller.signal);
      if (asked !== name) return;
      alerts.value = items;
      error.value = null;
    } catch (caught) {
      if (asked !== name || controller.signal.aborted) return;
      // What was listed stays; the error says it may be stale.
      error.value = caught instanceof ApiError ? caught : new ApiError(0, "unknown", "Something went wrong.");
    } finally {
      loading.value = false;
    }
  }

  const { refresh, busy } = singleFlight(run, () => stopped);

  watch(
    () => toValue(project),
    (next, _previous, onCleanup) => {
      name = next;
      alerts.value = null;
      error.value = null;
      health = null;
      followUps = ALERT_FOLLOW_UPS;
      void refresh();
      onCleanup(() => controller?.abort());
    },
    { immediate: true },
  );

  // Every answer of the poller is a new object: each one is a moment to check, never a request by itself.
  watch(live.status, (status) => {
    const now = healthOf(status);
    if (now === null) return;
    const last = toValue(options.lastSucceededDeploymentId) ?? null;
    const changed = (health !== null && now !== health) || (deploymentId !== undefined && last !== deploymentId);
    health = now;
    deploymentId = last;
    if (changed) {
      followUps = ALERT_FOLLOW_UPS;
      void refresh();
    } else if (followUps > 0 && alerts.value && !busy() && alertsBehind(alerts.value, status, last)) {
      followUps--;
      void refresh();
    }
  });

  onScopeDispose(() => {
    stopped = true;
    controller?.abort();
  });

  return { alerts, error, loading, refresh };
}
