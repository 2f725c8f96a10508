/** Quota arithmetic, pure: what a project's apps request at their base replica count. */
import { baseReplicas, formatCpu, formatMemory, parseQuantity, type ProjectSpec } from "@babyhelm/sdk";

/** What the apps request at their base replica count, against the quota (without rollout headroom). */
export function usageOf(spec: ProjectSpec): { cpu: string; memory: string; pods: number } {
  let cpu = 0;
  let memory = 0;
  let pods = 0;
  for (const app of spec.apps) {
    const replicas = baseReplicas(app);
    cpu += replicas * (parseQuantity(app.resources.cpu) ?? 0);
    memory += replicas * (parseQuantity(app.resources.memory) ?? 0);
    pods += replicas;
  }
  return { cpu: formatCpu(cpu), memory: formatMemory(memory), pods };
}
