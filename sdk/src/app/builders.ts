/** What an app is made of, as plain objects: the App component and render share these. */
import type { DeploymentObject, HorizontalPodAutoscalerObject, IngressObject, KubernetesObject, PodDisruptionBudgetObject, SecretObject, ServiceObject } from "../kubernetes.js";
import { appLabels, appSelector, RESTARTED_AT_ANNOTATION, SECRET_ENV_CHECKSUM_ANNOTATION, VISIBILITY_LABEL } from "../labels.js";
import type { ResolvedPlatformOptions } from "../platform.js";
import type { AppSpec } from "../spec/schema.js";
import { secretEnvChecksum, UNKEYED_SECRET_CHECKSUM } from "./secret-checksum.js";

type Container = NonNullable<NonNullable<DeploymentObject["spec"]>["template"]["spec"]>["containers"][number];
type Probe = NonNullable<Container["readinessProbe"]>;

export interface AppBuildContext {
  /** The project the app belongs to: its namespace and the `babyhelm.io/project` label. */
  project: string;
  platform: ResolvedPlatformOptions;
  /**
   * Keys the `babyhelm.io/secret-env-checksum` annotation of apps with `secretEnv` (secret-checksum.ts);
   * without it the annotation is `UNKEYED_SECRET_CHECKSUM`. The components never build without one.
   */
  secretChecksumKey?: string;
}

export interface AppObjects {
  secret?: SecretObject;
  deployment: DeploymentObject;
  service?: ServiceObject;
  ingress?: IngressObject;
  horizontalPodAutoscaler?: HorizontalPodAutoscalerObject;
  podDisruptionBudget?: PodDisruptionBudgetObject;
}

const PORT_NAME = "http";
/** Kubernetes' own default when a Deployment sets no replica count; kept explicit so the HPA case is clear. */
const DEFAULT_REPLICAS = 1;

export function secretEnvName(app: string): string {
  return `${app}-env`;
}

export function tlsSecretName(app: string): string {
  return `${app}-tls`;
}

export function buildSecret(app: AppSpec, context: AppBuildContext): SecretObject | undefined {
  if (!app.secretEnv || Object.keys(app.secretEnv).length === 0) return undefined;
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: secretEnvName(app.name), namespace: context.project, labels: appLabels(context.project, app.name) },
    type: "Opaque",
    stringData: { ...app.secretEnv },
  };
}

function probes(app: AppSpec): Pick<Container, "startupProbe" | "readinessProbe" | "livenessProbe"> {
  if (app.port === undefined) return {};
  const handler: Probe = app.healthCheck ? { httpGet: { path: app.healthCheck.path, port: PORT_NAME } } : { tcpSocket: { port: PORT_NAME } };
  return {
    // Slow starters get five minutes before liveness may restart them.
    startupProbe: { ...handler, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 60 },
    readinessProbe: { ...handler, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
    livenessProbe: { ...handler, periodSeconds: 20, timeoutSeconds: 3, failureThreshold: 3 },
  };
}

function environment(app: AppSpec): NonNullable<Container["env"]> {
  const plain = Object.entries(app.env ?? {}).map(([name, value]) => ({ name, value }));
  // Like Heroku and Render: the app learns its port from PORT unless it sets PORT itself.
  const port = app.port !== undefined && !("PORT" in (app.env ?? {})) && !("PORT" in (app.secretEnv ?? {})) ? [{ name: "PORT", value: String(app.port) }] : [];
  const secret = Object.keys(app.secretEnv ?? {}).map((name) => ({
    name,
    valueFrom: { secretKeyRef: { name: secretEnvName(app.name), key: name } },
  }));
  return [...plain, ...port, ...secret];
}

function isHighlyAvailable(app: AppSpec): boolean {
  return app.autoscale ? app.autoscale.min >= 2 : (app.replicas ?? DEFAULT_REPLICAS) >= 2;
}

function podAnnotations(app: AppSpec, context: AppBuildContext): { annotations?: Record<string, string> } {
  const annotations: Record<string, string> = {};
  if (app.secretEnv && Object.keys(app.secretEnv).length > 0) {
    // Changes to secret values must restart the pods, which read them only at start.
    annotations[SECRET_ENV_CHECKSUM_ANNOTATION] =
      context.secretChecksumKey === undefined ? UNKEYED_SECRET_CHECKSUM : secretEnvChecksum(context.secretChecksumKey, context.project, app.name, app.secretEnv);
  }
  if (app.restartedAt) annotations[RESTARTED_AT_ANNOTATION] = app.restartedAt;
  return Object.keys(annotations).length > 0 ? { annotations } : {};
}

export function buildDeployment(app: AppSpec, context: AppBuildContext): DeploymentObject {
  const labels = appLabels(context.project, app.name);
  const replicas = app.autoscale ? undefined : (app.replicas ?? DEFAULT_REPLICAS);
  const scalesOut = app.autoscale !== undefined || (replicas ?? 0) > 1;
  const container: Container = {
    name: app.name,
    image: app.image,
    ...(app.command ? { command: [...app.command] } : {}),
    ...(app.args ? { args: [...app.args] } : {}),
    ...(app.port !== undefined ? { ports: [{ name: PORT_NAME, containerPort: app.port, protocol: "TCP" }] } : {}),
    env: environment(app),
    resources: { requests: { ...app.resources }, limits: { ...app.resources } },
    ...probes(app),
    // Baseline-compatible hardening: root images such as nginx keep working, escalation and odd syscalls do not.
    securityContext: { allowPrivilegeEscalation: false, seccompProfile: { type: "RuntimeDefault" } },
  };
  if (container.env?.length === 0) delete container.env;
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: app.name, namespace: context.project, labels },
    spec: {
      // With an autoscaler the replica count is the HPA's; setting it here would fight it on every deploy.
      ...(replicas !== undefined ? { replicas } : {}),
      revisionHistoryLimit: 5,
      selector: { matchLabels: appSelector(app.name) },
      strategy: scalesOut ? { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } } : { type: "RollingUpdate" },
      template: {
        metadata: { labels, ...podAnnotations(app, context) },
        spec: {
          // Apps do not talk to the Kubernetes API; a mounted token would only be something to steal.
          automountServiceAccountToken: false,
          // Service links inject every Service of the namespace as variables; with many apps that is noise.
          enableServiceLinks: false,
          securityContext: { seccompProfile: { type: "RuntimeDefault" } },
          containers: [container],
        },
      },
    },
  };
}

export function buildService(app: AppSpec, context: AppBuildContext): ServiceObject | undefined {
  if (app.port === undefined) return undefined;
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: app.name, namespace: context.project, labels: appLabels(context.project, app.name) },
    spec: {
      type: "ClusterIP",
      selector: appSelector(app.name),
      ports: [{ name: PORT_NAME, port: app.port, targetPort: PORT_NAME, protocol: "TCP" }],
    },
  };
}

/**
 * A domain's Ingress. A private app's goes to the platform's private class, whose controller is reachable
 * only through the private network; without a domain there is no Ingress, and the app is reachable only
 * inside the cluster whatever its visibility.
 */
export function buildIngress(app: AppSpec, context: AppBuildContext): IngressObject | undefined {
  if (!app.domain || app.port === undefined) return undefined;
  const issuer = context.platform.tlsClusterIssuer;
  const isPrivate = app.visibility === "private";
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: {
      name: app.name,
      namespace: context.project,
      // Only private Ingresses carry the label: public ones stay exactly as they rendered before the field existed.
      labels: { ...appLabels(context.project, app.name), ...(isPrivate ? { [VISIBILITY_LABEL]: "private" } : {}) },
      ...(issuer ? { annotations: { "cert-manager.io/cluster-issuer": issuer } } : {}),
    },
    spec: {
      ingressClassName: isPrivate ? context.platform.privateIngressClassName : context.platform.ingressClassName,
      ...(issuer ? { tls: [{ hosts: [app.domain], secretName: tlsSecretName(app.name) }] } : {}),
      rules: [
        {
          host: app.domain,
          http: {
            paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: app.name, port: { name: PORT_NAME } } } }],
          },
        },
      ],
    },
  };
}

export function buildHorizontalPodAutoscaler(app: AppSpec, context: AppBuildContext): HorizontalPodAutoscalerObject | undefined {
  if (!app.autoscale) return undefined;
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { name: app.name, namespace: context.project, labels: appLabels(context.project, app.name) },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: app.name },
      minReplicas: app.autoscale.min,
      maxReplicas: app.autoscale.max,
      metrics: [
        {
          type: "Resource",
          resource: { name: "cpu", target: { type: "Utilization", averageUtilization: app.autoscale.cpuPercent } },
        },
      ],
    },
  };
}

/** With two or more pods, node drains take them down one at a time so the app stays up. */
export function buildPodDisruptionBudget(app: AppSpec, context: AppBuildContext): PodDisruptionBudgetObject | undefined {
  if (!isHighlyAvailable(app)) return undefined;
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: { name: app.name, namespace: context.project, labels: appLabels(context.project, app.name) },
    spec: { maxUnavailable: 1, selector: { matchLabels: appSelector(app.name) } },
  };
}

export function buildAppObjects(app: AppSpec, context: AppBuildContext): AppObjects {
  return {
    secret: buildSecret(app, context),
    deployment: buildDeployment(app, context),
    service: buildService(app, context),
    ingress: buildIngress(app, context),
    horizontalPodAutoscaler: buildHorizontalPodAutoscaler(app, context),
    podDisruptionBudget: buildPodDisruptionBudget(app, context),
  };
}

/** In the order they are applied: the Secret before the Deployment that reads it. */
export function appObjectList(objects: AppObjects): KubernetesObject[] {
  const ordered = [objects.secret, objects.deployment, objects.service, objects.ingress, objects.horizontalPodAutoscaler, objects.podDisruptionBudget];
  return ordered.filter((object): object is NonNullable<typeof object> => object !== undefined);
}
