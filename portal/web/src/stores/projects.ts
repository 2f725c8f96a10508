import { endpoints, type DeploymentSummary, type Project, type ProjectListItem, type Quota } from "@babyhelm/sdk/api";
import { defineStore } from "pinia";
import { ref } from "vue";
import { client } from "../api/client.js";

/**
 * The user's projects, and the one being looked at with its deployments: the state several sections share.
 * What changes that state is here (a deploy joins the history, a removed app leaves the project); one-off
 * reads and writes that change nothing shared are in `api/`.
 */
export const useProjectsStore = defineStore("projects", () => {
  const list = ref<ProjectListItem[]>([]);
  const listLoaded = ref(false);
  const current = ref<Project | null>(null);
  const deployments = ref<DeploymentSummary[]>([]);

  async function loadList(): Promise<void> {
    list.value = (await client.call(endpoints.listProjects)).items;
    listLoaded.value = true;
  }

  async function create(input: { name: string; displayName?: string; quota?: Partial<Quota>; expiresAt?: string }): Promise<Project> {
    const { project } = await client.call(endpoints.createProject, { body: input });
    listLoaded.value = false;
    return project;
  }

  const fetchProject = async (name: string) => (await client.call(endpoints.getProject, { params: { name } })).project;

  async function load(name: string): Promise<void> {
    const [project, history] = await Promise.all([fetchProject(name), client.call(endpoints.listDeployments, { params: { name }, query: {} })]);
    current.value = project;
    deployments.value = history.items;
  }

  async function update(name: string, changes: { displayName?: string | null; quota?: Partial<Quota>; expiresAt?: string | null }): Promise<void> {
    await client.call(endpoints.updateProject, { params: { name }, body: changes });
    await load(name);
  }

  /** Destroys the project's stack (its deployment, to follow) or, never deployed, deletes it at once (null). */
  async function remove(name: string): Promise<{ deployment: DeploymentSummary | null }> {
    const answer = await client.call(endpoints.deleteProject, { params: { name } });
    listLoaded.value = false;
    return { deployment: answer.deployment };
  }

  async function removeApp(project: string, app: string): Promise<void> {
    await client.call(endpoints.deleteApp, { params: { name: project, app } });
    await load(project);
  }

  function queued(deployment: DeploymentSummary): DeploymentSummary {
    deployments.value = [deployment, ...deployments.value];
    return deployment;
  }

  /** `refresh`: read the cluster back first, so changes made outside BabyHelm are put back. */
  async function deploy(project: string, options: { refresh?: boolean } = {}): Promise<DeploymentSummary> {
    return queued((await client.call(endpoints.createDeployment, { params: { name: project }, body: options.refresh ? { refresh: true } : {} })).deployment);
  }

  /** The apps of deployment `id` become the project's apps again and are deployed (a 409 names the field that no longer fits). */
  async function rollback(project: string, id: string): Promise<DeploymentSummary> {
    const deployment = queued((await client.call(endpoints.rollbackDeployment, { params: { name: project, id }, body: {} })).deployment);
    // The project's apps changed with it.
    if (current.value?.name === project) current.value = await fetchProject(project);
    return deployment;
  }

  /** A rolling restart is a deploy (it changes the app's restartedAt): followed like one, listed like one. */
  async function restartApp(project: string, app: string): Promise<DeploymentSummary> {
    return queued((await client.call(endpoints.restartApp, { params: { name: project, app }, body: {} })).deployment);
  }

  /** Keeps the history in step with a deployment followed live. */
  function track(update: DeploymentSummary): void {
    deployments.value = deployments.value.map((deployment) => (deployment.id === update.id ? { ...deployment, ...update } : deployment));
    if (current.value?.lastDeployment?.id === update.id || !current.value?.lastDeployment) {
      if (current.value) current.value = { ...current.value, lastDeployment: update };
    }
  }

  return { list, listLoaded, current, deployments, loadList, create, load, update, remove, removeApp, deploy, rollback, restartApp, track };
});
