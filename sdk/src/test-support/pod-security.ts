/**
 * The Pod Security Standards "baseline" controls (kubernetes.io/docs/concepts/security/pod-security-standards),
 * checked on a pod spec the way the PodSecurity admission plugin would at `enforce: baseline`.
 */
import type { IContainer } from "kubernetes-models/v1/Container";
import type { IEphemeralContainer } from "kubernetes-models/v1/EphemeralContainer";
import type { IPodSecurityContext } from "kubernetes-models/v1/PodSecurityContext";
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import type { ISecurityContext } from "kubernetes-models/v1/SecurityContext";

const BASELINE_CAPABILITIES = new Set([
  "AUDIT_WRITE",
  "CHOWN",
  "DAC_OVERRIDE",
  "FOWNER",
  "FSETID",
  "KILL",
  "MKNOD",
  "NET_BIND_SERVICE",
  "SETFCAP",
  "SETGID",
  "SETPCAP",
  "SETUID",
  "SYS_CHROOT",
]);
const SAFE_SYSCTLS = new Set([
  "kernel.shm_rmid_forced",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.ip_unprivileged_port_start",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.ping_group_range",
  "net.ipv4.ip_local_reserved_ports",
  "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl",
  "net.ipv4.tcp_keepalive_probes",
]);
const SELINUX_TYPES = new Set(["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"]);

/** Every baseline violation of the pod, as "control: detail"; empty when the pod is admitted. */
export function baselineViolations(pod: IPodSpec): string[] {
  const problems: string[] = [];
  const containers: (IContainer | IEphemeralContainer)[] = [...(pod.initContainers ?? []), ...(pod.containers ?? []), ...(pod.ephemeralContainers ?? [])];
  const contexts: (IPodSecurityContext | ISecurityContext)[] = [pod.securityContext ?? {}, ...containers.map((container) => container.securityContext ?? {})];

  if (pod.hostNetwork || pod.hostPID || pod.hostIPC) problems.push("host namespaces: hostNetwork, hostPID and hostIPC must be unset");
  if (contexts.some((context) => context.windowsOptions?.hostProcess)) problems.push("HostProcess: must be unset");
  for (const volume of pod.volumes ?? []) if (volume.hostPath) problems.push(`hostPath volumes: ${volume.name}`);
  for (const container of containers) {
    const context = container.securityContext ?? {};
    if (context.privileged) problems.push(`privileged containers: ${container.name}`);
    for (const capability of context.capabilities?.add ?? []) {
      if (!BASELINE_CAPABILITIES.has(capability)) problems.push(`capabilities: ${container.name} adds ${capability}`);
    }
    for (const port of container.ports ?? []) if (port.hostPort) problems.push(`host ports: ${container.name}`);
    if (context.procMount && context.procMount !== "Default") problems.push(`/proc mount type: ${container.name}`);
  }
  for (const context of contexts) {
    if (context.seccompProfile?.type === "Unconfined") problems.push("seccomp: Unconfined is not allowed");
    if (context.appArmorProfile?.type && !["RuntimeDefault", "Localhost"].includes(context.appArmorProfile.type)) {
      problems.push(`AppArmor: ${context.appArmorProfile.type} is not allowed`);
    }
    const selinux = context.seLinuxOptions ?? {};
    if (!SELINUX_TYPES.has(selinux.type ?? "") || selinux.user || selinux.role) problems.push("SELinux: custom user, role or type");
  }
  for (const sysctl of pod.securityContext?.sysctls ?? []) {
    if (!SAFE_SYSCTLS.has(sysctl.name)) problems.push(`sysctls: ${sysctl.name}`);
  }
  return problems;
}
