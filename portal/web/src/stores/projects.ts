import { defineStore } from "pinia";
import { ref } from "vue";
import { api } from "../api/client.js";
import type { App, Deployment, DeploymentSummary, Member, Project, ProjectListItem, Quota, Role } from "../api/types.js";

const path = (project: string, rest = "") => `/projects/${encodeURIComponent(project)}${rest}`;

/** The user's projects, and the one being looked at with its apps, members and deployments. */
export const useProjectsStore = defineStore("projects", () => {
  const list = ref<ProjectListItem[]>([]);
  const listLoaded = ref(false);
  const current = ref<Project | null>(null);
  const deployments = ref<DeploymentSummary[]>([]);
  const members = ref<Member[]>([]);

  async function loadList(): Promise<void> {
    list.value = (await api.get<{ items: ProjectListItem[] }>("/projects")).data.items;
    listLoaded.value = true;
  }

  async function create(input: { name: string; displayName?: string; quota?: Partial<Quota>; expiresAt?: string }): Promise<Project> {
    const project = (await api.post<{ project: Project }>("/projects", input)).data.project;
    listLoaded.value = false;
    return project;
  }

  async function load(name: string): Promise<void> {
    const [project, history] = await Promise.all([
      api.get<{ project: Project }>(path(name)),
      api.get<{ items: DeploymentSummary[] }>(path(name, "/deployments")),
    ]);
    current.value = project.data.project;
    deployments.value = history.data.items;
  }

  async function update(name: string, changes: { displayName?: string | null; quota?: Partial<Quota>; expiresAt?: string | null }): Promise<void> {
    await api.patch(path(name), changes);
    await load(name);
  }

  async function remove(name: string): Promise<{ deployment: DeploymentSummary | null }> {
    const response = await api.delete<{ deployment: DeploymentSummary | null }>(path(name));
    listLoaded.value = false;
    return response.data;
  }

  async function loadMembers(name: string): Promise<void> {
    members.value = (await api.get<{ items: Member[] }>(path(name, "/members"))).data.items;
  }

  async function setMember(name: string, email: string, role: Role): Promise<void> {
    await api.post(path(name, "/members"), { email, role });
    await loadMembers(name);
  }

  async function removeMember(name: string, userId: string): Promise<void> {
    await api.delete(path(name, `/members/${encodeURIComponent(userId)}`));
    await loadMembers(name);
  }

  async function saveApp(project: string, app: Record<string, unknown>, existing?: string): Promise<App> {
    const response = existing
      ? await api.patch<{ app: App }>(path(project, `/apps/${encodeURIComponent(existing)}`), app)
      : await api.post<{ app: App }>(path(project, "/apps"), app);
    return response.data.app;
  }

  async function removeApp(project: string, app: string): Promise<void> {
    await api.delete(path(project, `/apps/${encodeURIComponent(app)}`));
    await load(project);
  }

  async function manifests(project: string): Promise<string> {
    return (await api.get<string>(path(project, "/manifests"), { responseType: "text", transformResponse: (data: string) => data })).data;
  }

  async function spec(project: string): Promise<unknown> {
    return (await api.get(path(project, "/spec"))).data;
  }

  /** `refresh`: read the cluster back first, so changes made outside BabyHelm are put back. */
  async function deploy(project: string, options: { refresh?: boolean } = {}): Promise<DeploymentSummary> {
    const deployment = (await api.post<{ deployment: DeploymentSummary }>(path(project, "/deployments"), options.refresh ? { refresh: true } : undefined)).data.deployment;
    deployments.value = [deployment, ...deployments.value];
    return deployment;
  }

  /** The apps of deployment `id` become the project's apps again and are deployed (a 409 names the field that no longer fits). */
  async function rollback(project: string, id: string): Promise<DeploymentSummary> {
    const deployment = (await api.post<{ deployment: DeploymentSummary }>(path(project, `/deployments/${encodeURIComponent(id)}/rollback`))).data.deployment;
    deployments.value = [deployment, ...deployments.value];
    // The project's apps changed with it.
    if (current.value?.name === project) current.value = (await api.get<{ project: Project }>(path(project))).data.project;
    return deployment;
  }

  /** A rolling restart is a deploy (it changes the app's restartedAt): followed like one, listed like one. */
  async function restartApp(project: string, app: string): Promise<DeploymentSummary> {
    const deployment = (await api.post<{ deployment: DeploymentSummary }>(path(project, `/apps/${encodeURIComponent(app)}/restart`))).data.deployment;
    deployments.value = [deployment, ...deployments.value];
    return deployment;
  }

  async function deployment(project: string, id: string): Promise<Deployment> {
    return (await api.get<{ deployment: Deployment }>(path(project, `/deployments/${encodeURIComponent(id)}`))).data.deployment;
  }

  async function cancel(project: string, id: string): Promise<void> {
    await api.post(path(project, `/deployments/${encodeURIComponent(id)}/cancel`));
  }

  /** Keeps the history in step with a deployment followed live. */
  function track(update: DeploymentSummary): void {
    deployments.value = deployments.value.map((deployment) => (deployment.id === update.id ? { ...deployment, ...update } : deployment));
    if (current.value?.lastDeployment?.id === update.id || !current.value?.lastDeployment) {
      if (current.value) current.value = { ...current.value, lastDeployment: update };
    }
  }

  return { list, listLoaded, current, deployments, members, loadList, create, load, update, remove, loadMembers, setMember, removeMember, saveApp, removeApp, manifests, spec, deploy, rollback, restartApp, deployment, cancel, track };
});
