import * as pulumi from "@pulumi/pulumi";
import { inNamespace, type DeploymentObject } from "../kubernetes.js";
import { resolvePlatformOptions, type PlatformOptions } from "../platform.js";
import { createKubernetesResource } from "../pulumi/kubernetes-resource.js";
import { resolveSecretChecksumKey } from "../pulumi/secret-checksum-key.js";
import { formatIssues, ProjectSpecError } from "../spec/errors.js";
import { PARSE_OPTIONS } from "../spec/messages.js";
import { nameProblem } from "../spec/names.js";
import { appSchema, type AppSpec, type AppSpecInput } from "../spec/schema.js";
import { appObjectList, buildAppObjects } from "./builders.js";

/**
 * The app fields of a ProjectSpec (DESIGN.md §3), plus where the app goes. Defaults are the spec's:
 * 1 replica, resources 100m CPU / 128Mi memory, a TCP health check on the port, no Service without a port.
 */
export interface AppArgs extends Omit<AppSpecInput, "name" | "image"> {
  /** The namespace to deploy into; pass `UserNamespace.name` so the app waits for its namespace. */
  namespace: pulumi.Input<string>;
  /** Docker image reference such as `nginx:1.27`; may be the output of an image build. */
  image: pulumi.Input<string>;
  /** The app's name, a DNS-1123 label of at most 40 characters. Default: the component's name. */
  name?: string;
  /** The project, for the `babyhelm.io/project` label. Default: the namespace, when it is a plain string. */
  project?: string;
  /** How the cluster is set up: ingress class and TLS issuer of domains. Default: `DEFAULT_PLATFORM_OPTIONS`. */
  platform?: PlatformOptions;
  /**
   * Keys the pod template's `babyhelm.io/secret-env-checksum` (an HMAC of the secret values, so a new value
   * restarts the pods and nobody without the key can check a guess against it); at least 16 characters.
   * Default: the stack's config `babyhelm:secretChecksumKey`. Required when the app has `secretEnv`.
   */
  secretChecksumKey?: string;
}

/**
 * One app: a Deployment, and as its fields ask, a Secret for `secretEnv`, a Service, an Ingress, a
 * HorizontalPodAutoscaler and a PodDisruptionBudget.
 */
export class App extends pulumi.ComponentResource {
  public readonly appName: string;
  /** In-cluster URL of the app's Service, when it has a port. */
  public readonly url?: string;
  public readonly deployment: pulumi.CustomResource;

  constructor(name: string, args: AppArgs, opts?: pulumi.ComponentResourceOptions) {
    const { app, project, secretChecksumKey } = checkAppArgs(name, args);
    const platform = resolvePlatformOptions(args.platform);
    super("babyhelm:index:App", name, {}, opts);

    const objects = buildAppObjects(app, { project, platform, secretChecksumKey });
    const place = <T extends Parameters<typeof inNamespace>[0]>(object: T) => inNamespace(object, args.namespace);
    const secret = objects.secret && createKubernetesResource(`${name}/env`, place(objects.secret), { parent: this });
    const deployment = withImage(objects.deployment, args.image);
    this.deployment = createKubernetesResource(name, place(deployment), {
      parent: this,
      // Pods read the Secret at start; create it first so they never wait on a missing key.
      dependsOn: secret ? [secret] : [],
    });
    for (const key of ["service", "ingress", "horizontalPodAutoscaler", "podDisruptionBudget"] as const) {
      const object = objects[key];
      if (object) createKubernetesResource(name, place(object), { parent: this });
    }
    this.appName = app.name;
    this.url = app.port !== undefined ? `http://${app.name}.${project}.svc.cluster.local:${app.port}` : undefined;
    this.registerOutputs({ appName: this.appName, url: this.url, objects: appObjectList(objects).length });
  }
}

/** Used in place of an image that is still an output, only to validate the other fields. */
const PENDING_IMAGE = "pending.invalid/image:pending";

function checkAppArgs(component: string, args: AppArgs): { app: AppSpec; project: string; secretChecksumKey?: string } {
  const { namespace, project, platform: _platform, secretChecksumKey: givenKey, image, ...fields } = args;
  const name = fields.name ?? component;
  const subject = `App "${component}"`;
  const result = appSchema.safeParse({ ...fields, name, image: typeof image === "string" ? image : PENDING_IMAGE }, PARSE_OPTIONS);
  const issues = result.success ? [] : formatIssues(result.error.issues);
  const projectName = project ?? (typeof namespace === "string" ? namespace : undefined);
  if (projectName === undefined) {
    issues.push({ path: "project", message: "is required when namespace is an output: set it to the project's name" });
  } else {
    const problem = nameProblem(projectName);
    if (problem) issues.push({ path: project === undefined ? "namespace" : "project", message: problem });
  }
  const checksumKey = resolveSecretChecksumKey(givenKey, Object.keys(result.success ? (result.data.secretEnv ?? {}) : (fields.secretEnv ?? {})).length > 0);
  if (checksumKey.issue) issues.push(checksumKey.issue);
  if (!result.success || projectName === undefined || issues.length > 0) throw new ProjectSpecError(issues, subject);
  return { app: result.data, project: projectName, secretChecksumKey: checksumKey.key };
}

function withImage(deployment: DeploymentObject, image: pulumi.Input<string>): DeploymentObject {
  if (typeof image === "string") return deployment;
  const spec = deployment.spec!;
  const podSpec = spec.template.spec!;
  const [container, ...rest] = podSpec.containers;
  return {
    ...deployment,
    spec: { ...spec, template: { ...spec.template, spec: { ...podSpec, containers: [{ ...container!, image: image as never }, ...rest] } } },
  };
}
