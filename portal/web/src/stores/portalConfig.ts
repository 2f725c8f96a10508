import { defineStore } from "pinia";
import { ref } from "vue";
import { api } from "../api/client.js";
import type { PortalConfig } from "../api/types.js";

/**
 * Which optional parts this portal has (GET /api/config), asked once: pages then never call what is
 * switched off, such as metrics on a portal without Prometheus.
 */
export const usePortalConfigStore = defineStore("portalConfig", () => {
  const config = ref<PortalConfig | null>(null);
  let loading: Promise<PortalConfig | null> | undefined;

  /** The config, or null when the portal could not say (an older portal, a network error): then everything is tried. */
  function load(): Promise<PortalConfig | null> {
    if (config.value) return Promise.resolve(config.value);
    loading ??= api
      .get<{ config: PortalConfig }>("/config")
      .then((response) => (config.value = response.data.config))
      .catch(() => null)
      .finally(() => {
        loading = undefined;
      });
    return loading;
  }

  return { config, load };
});
