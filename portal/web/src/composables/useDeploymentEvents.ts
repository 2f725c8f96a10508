import { endpoints, fillPath, type DeploymentSummary } from "@babyhelm/sdk/api";
import { onBeforeUnmount, ref, watch, type Ref } from "vue";

export interface ResourceProgress {
  type: string;
  name: string;
  op: string;
  status: "started" | "done" | "failed";
}

/**
 * Follows a deployment live over server-sent events: its log lines, resources and status, until it ends.
 * EventSource reconnects by itself and resumes after the last event it saw.
 */
export function useDeploymentEvents(project: Ref<string>, deploymentId: Ref<string | null>, onStatus?: (deployment: DeploymentSummary) => void) {
  const lines = ref<string[]>([]);
  const resources = ref<ResourceProgress[]>([]);
  const status = ref<string | null>(null);
  const finished = ref(false);
  let source: EventSource | undefined;

  function close() {
    source?.close();
    source = undefined;
  }

  function open(id: string) {
    close();
    lines.value = [];
    resources.value = [];
    status.value = null;
    finished.value = false;
    source = new EventSource(fillPath(endpoints.deploymentEvents.path, { name: project.value, id }), { withCredentials: true });
    source.addEventListener("output", (event) => lines.value.push(JSON.parse((event as MessageEvent).data).line));
    source.addEventListener("progress", (event) => {
      const progress = JSON.parse((event as MessageEvent).data);
      if (progress.kind === "resource") {
        const existing = resources.value.find((resource) => resource.type === progress.type && resource.name === progress.name);
        if (existing) existing.status = progress.status;
        else resources.value.push({ type: progress.type, name: progress.name, op: progress.op, status: progress.status });
      } else if (progress.kind === "diagnostic") {
        lines.value.push(`${progress.severity}: ${progress.message}`);
      }
    });
    source.addEventListener("status", (event) => {
      const deployment = JSON.parse((event as MessageEvent).data) as DeploymentSummary;
      status.value = deployment.status;
      onStatus?.(deployment);
    });
    source.addEventListener("end", () => {
      finished.value = true;
      close();
    });
  }

  watch(deploymentId, (id) => (id ? open(id) : close()), { immediate: true });
  onBeforeUnmount(close);
  return { lines, resources, status, finished };
}
