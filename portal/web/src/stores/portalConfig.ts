import { endpoints, type PortalConfig } from "@babyhelm/sdk/api";
import { defineStore } from "pinia";
import { ref } from "vue";
import { client } from "../api/client.js";

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
    loading ??= client
      .call(endpoints.getConfig)
      .then((answer) => (config.value = answer.config))
      .catch(() => null)
      .finally(() => {
        loading = undefined;
      });
    return loading;
  }

  return { config, load };
});
