/**
 * The ProjectSpec: one document that describes a project. The single source of truth for the SDK, the
 * CLI, `stacks/project` and the portal (DESIGN.md §3).
 */
import { z } from "zod";
import { ALLOWED_FIELDS } from "./errors.js";
import { imageProblem } from "./image.js";
import { appNameProblem, domainProblem, envNameProblem, namespaceNameProblem, shown } from "./names.js";
import { cpuProblem, formatCpu, formatMemory, memoryProblem, parseQuantity } from "./quantity.js";
import { personNameProblem } from "./person-names.js";
import { storableTextProblem } from "./text.js";

export const DEFAULT_QUOTA = { cpu: "2", memory: "4Gi", pods: 20 } as const;
export const DEFAULT_APP_RESOURCES = { cpu: "100m", memory: "128Mi" } as const;
export const DEFAULT_AUTOSCALE_CPU_PERCENT = 80;
export const MAX_APPS = 200;
export const MAX_REPLICAS = 50;
export const MAX_ENV_VALUE_BYTES = 32 * 1024;
export const MAX_ENV_ENTRIES = 100;
/** Per app and per map: far below Kubernetes' 1 MiB for a Secret and ~1.5 MiB for a Deployment. */
export const MAX_ENV_TOTAL_BYTES = 256 * 1024;

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** `restartedAt`: a moment, so that setting it again (to now) changes the pod template and restarts the pods. */
function timestampProblem(value: string): string | undefined {
  if (RFC3339.test(value) && !Number.isNaN(Date.parse(value))) return undefined;
  return `${shown(value)} is not a time; use RFC 3339, such as 2026-12-01T12:00:00Z`;
}

/**
 * Strict objects list the fields they do allow. The message carries those names to `formatIssues`,
 * which turns an unknown key into one line per key with a suggestion.
 */
function strictObject<Shape extends z.ZodRawShape>(shape: Shape) {
  const allowed = Object.keys(shape).join(",");
  return z.strictObject(shape, {
    error: (issue) => (issue.code === "unrecognized_keys" ? `${ALLOWED_FIELDS}${allowed}` : undefined),
  });
}

/** A refinement that adds `problem`'s message; every string is first checked to be storable text. */
export function checked(problem: (value: string) => string | undefined = () => undefined) {
  return (value: string, ctx: z.RefinementCtx) => {
    const message = storableTextProblem(value) ?? problem(value);
    if (message) ctx.addIssue({ code: "custom", message });
  };
}

/**
 * JSON clients send `cpu: 2` and `WORKERS: 4` as numbers; users mean the text. (YAML keeps the text as
 * written, see parse.ts.) Infinity and NaN are left alone to be refused.
 */
const scalarText = (inner: z.ZodString) =>
  z.preprocess((value) => ((typeof value === "number" && Number.isFinite(value)) || typeof value === "boolean" ? String(value) : value), inner);

const cpu = scalarText(z.string().superRefine(checked(cpuProblem)));
const memory = scalarText(z.string().superRefine(checked(memoryProblem)));
const appName = z.string().superRefine(checked(appNameProblem));

const envValue = scalarText(
  z
    .string()
    .superRefine(checked())
    .refine((value) => Buffer.byteLength(value) <= MAX_ENV_VALUE_BYTES, {
      message: `is longer than ${MAX_ENV_VALUE_BYTES / 1024} KiB`,
    }),
);
/** JSON.parse creates an own "__proto__" key, which copying into a new object would silently drop. */
const withoutProtoKey = (value: unknown, ctx: z.RefinementCtx) => {
  if (isRecord(value) && Object.hasOwn(value, "__proto__")) {
    ctx.addIssue({ code: "custom", message: `"__proto__" is not allowed as a variable name` });
  }
  return value;
};

const envMap = z.preprocess(
  withoutProtoKey,
  z
    .record(z.string().superRefine(checked(envNameProblem)), envValue)
    .refine((env) => Object.keys(env).length <= MAX_ENV_ENTRIES, {
      message: `has more than ${MAX_ENV_ENTRIES} variables`,
    })
    .refine((env) => Object.entries(env).reduce((bytes, [key, value]) => bytes + Buffer.byteLength(key) + Buffer.byteLength(value), 0) <= MAX_ENV_TOTAL_BYTES, {
      message: `holds more than ${MAX_ENV_TOTAL_BYTES / 1024} KiB in all; keep large configuration in files or a database`,
    }),
);

export const APP_VISIBILITIES = ["public", "private"] as const;
export type AppVisibility = (typeof APP_VISIBILITIES)[number];

/**
 * Which ingress serves an app's domain: the platform's public class, or its private one (reachable only
 * through the platform's private network, such as a VPN). Left out, an app is public; the spec keeps it
 * left out rather than filling in "public", so specs written before the field render and compare as before.
 */
const visibility = z.enum(APP_VISIBILITIES, {
  error: (issue) => (typeof issue.input === "string" ? `${shown(issue.input)} is not a visibility: use "public" or "private"` : 'must be "public" or "private"'),
});

const stringList = z.array(z.string().max(4096).superRefine(checked())).max(100);

/** Whole numbers in a range, with a message that shows the value and the range. */
const wholeNumber = (min: number, max: number) => {
  const error = (issue: { input?: unknown }) =>
    `${JSON.stringify(issue.input)} ${Number.isInteger(issue.input) ? "is out of range" : "is not a whole number"}: use a whole number from ${min} to ${max}`;
  return z.number().int({ error }).min(min, { error }).max(max, { error });
};

export const quotaSchema = strictObject({
  cpu: cpu.default(DEFAULT_QUOTA.cpu),
  memory: memory.default(DEFAULT_QUOTA.memory),
  pods: wholeNumber(1, 1000).default(DEFAULT_QUOTA.pods),
});

export const resourcesSchema = strictObject({
  cpu: cpu.default(DEFAULT_APP_RESOURCES.cpu),
  memory: memory.default(DEFAULT_APP_RESOURCES.memory),
});

export const healthCheckSchema = strictObject({
  path: z
    .string()
    .max(1024)
    .superRefine(checked())
    .regex(/^\/[^\s]*$/, { message: 'must be an absolute URL path without spaces, such as "/healthz"' }),
});

export const autoscaleSchema = strictObject({
  min: wholeNumber(1, MAX_REPLICAS),
  max: wholeNumber(1, MAX_REPLICAS),
  cpuPercent: wholeNumber(1, 100).default(DEFAULT_AUTOSCALE_CPU_PERCENT),
}).superRefine((autoscale, ctx) => {
  if (autoscale.min > autoscale.max) {
    ctx.addIssue({
      code: "custom",
      path: ["min"],
      message: `${autoscale.min} is greater than max (${autoscale.max}); min must be at most max`,
    });
  }
});

const appFields = strictObject({
  name: appName,
  image: z.string().superRefine(checked(imageProblem)),
  port: wholeNumber(1, 65535).optional(),
  replicas: wholeNumber(0, MAX_REPLICAS).optional(),
  command: stringList.optional(),
  args: stringList.optional(),
  env: envMap.optional(),
  secretEnv: envMap.optional(),
  resources: resourcesSchema.prefault({}),
  healthCheck: healthCheckSchema.optional(),
  domain: z.string().superRefine(checked(domainProblem)).optional(),
  visibility: visibility.optional(),
  autoscale: autoscaleSchema.optional(),
  restartedAt: z.string().superRefine(checked(timestampProblem)).optional(),
});

export const appSchema = appFields.superRefine(checkAppFields, { when: (payload) => isRecord(payload.value) }).transform((app) =>
  // Without autoscaling the replica count is ours to default; with it, it belongs to the HPA.
  app.autoscale ? app : { ...app, replicas: app.replicas ?? 1 },
);

type Loose<T> = { [K in keyof T]?: unknown };

/**
 * Rules that span fields. They run even when other fields are invalid, so one pass reports every
 * problem, and therefore read the app defensively.
 */
function checkAppFields(app: Loose<z.input<typeof appFields>>, ctx: z.RefinementCtx) {
  const needsPort = (field: "healthCheck" | "domain", what: string) =>
    ctx.addIssue({ code: "custom", path: [field], message: `${what} needs a port: set port to the port the app listens on` });
  if (app.healthCheck !== undefined && app.port === undefined) needsPort("healthCheck", "an HTTP health check");
  if (app.domain !== undefined && app.port === undefined) needsPort("domain", "a domain");
  if (isRecord(app.secretEnv) && isRecord(app.env)) {
    for (const key of Object.keys(app.secretEnv)) {
      if (Object.hasOwn(app.env, key)) {
        ctx.addIssue({ code: "custom", path: ["secretEnv", key], message: "is also set in env; keep it in one of them" });
      }
    }
  }
  if (app.autoscale !== undefined && app.replicas !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["replicas"],
      message: "cannot be combined with autoscale: the autoscaler sets the replica count between autoscale.min and autoscale.max",
    });
  }
}

/** A JSON object (a mapping), not null and not a list. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export const monitoringSchema = strictObject({
  dashboard: z.boolean().default(true),
});

export const projectSpecSchema = strictObject({
  name: z.string().superRefine(checked((value) => namespaceNameProblem(value))),
  displayName: z.string().min(1).max(100).superRefine(checked(personNameProblem)).optional(),
  owner: z.email({ message: "must be an e-mail address" }).max(254).optional(),
  quota: quotaSchema.prefault({}),
  apps: z.array(appSchema).max(MAX_APPS).default([]),
  monitoring: monitoringSchema.prefault({}),
})
  .superRefine((spec, ctx) => checkUniqueness(spec.apps, ctx), { when: (payload) => isRecord(payload.value) })
  // Sums quantities, so it only runs on a spec that is otherwise valid.
  .superRefine(checkQuotaFits, { when: (payload) => payload.issues.length === 0 });

export type ProjectSpecInput = z.input<typeof projectSpecSchema>;
export type ProjectSpec = z.output<typeof projectSpecSchema>;
export type AppSpec = ProjectSpec["apps"][number];
export type AppSpecInput = z.input<typeof appSchema>;
export type QuotaSpec = ProjectSpec["quota"];
export type ResourcesSpec = AppSpec["resources"];
export type AutoscaleSpec = NonNullable<AppSpec["autoscale"]>;

/** Runs even when other fields are invalid (see checkAppFields), so it reads the list defensively. */
function checkUniqueness(apps: unknown, ctx: z.RefinementCtx) {
  if (!Array.isArray(apps)) return;
  const firstByName = new Map<string, number>();
  const firstByDomain = new Map<string, number>();
  apps.forEach((app: Loose<AppSpec> | undefined, index) => {
    if (typeof app?.name !== "string") return;
    const nameOwner = firstByName.get(app.name);
    if (nameOwner !== undefined) {
      ctx.addIssue({ code: "custom", path: ["apps", index, "name"], message: `${shown(app.name)} is already used by apps[${nameOwner}]; app names must be unique` });
    } else firstByName.set(app.name, index);
    if (typeof app.domain === "string") {
      const domainOwner = firstByDomain.get(app.domain);
      if (domainOwner !== undefined) {
        ctx.addIssue({ code: "custom", path: ["apps", index, "domain"], message: `${shown(app.domain)} is already used by apps[${domainOwner}]` });
      } else firstByDomain.set(app.domain, index);
    }
  });
}

/** The replica count an app needs to run at all: its fixed count, or the autoscaler's floor. */
export function baseReplicas(app: AppSpec): number {
  return app.autoscale ? app.autoscale.min : (app.replicas ?? 1);
}

/**
 * Pods an app runs while it rolls out: its base count plus the one extra pod a rolling update starts
 * before it stops an old one (maxSurge 1). Pulumi rolls every app out at once.
 */
export function rolloutPods(app: AppSpec): number {
  const replicas = baseReplicas(app);
  return replicas > 0 ? replicas + 1 : 0;
}

/**
 * Kubernetes refuses pods past the quota, and a rollout that cannot start its extra pod waits until the
 * deploy times out; say so before anything runs.
 */
function checkQuotaFits(spec: ProjectSpec, ctx: z.RefinementCtx) {
  let cpuCores = 0;
  let memoryBytes = 0;
  let pods = 0;
  for (const app of spec.apps) {
    const replicas = rolloutPods(app);
    cpuCores += replicas * (parseQuantity(app.resources.cpu) ?? 0);
    memoryBytes += replicas * (parseQuantity(app.resources.memory) ?? 0);
    pods += replicas;
  }
  const quotaCpu = parseQuantity(spec.quota.cpu) ?? 0;
  const quotaMemory = parseQuantity(spec.quota.memory) ?? 0;
  const need = "counting one extra pod per app for rolling updates";
  const fix = "raise it, or lower the apps' replicas or resources";
  // Compare in millicores and bytes, rounded, so 0.1 + 0.2 never exceeds "300m".
  if (Math.round(cpuCores * 1000) > Math.round(quotaCpu * 1000)) {
    ctx.addIssue({ code: "custom", path: ["quota", "cpu"], message: `the apps need ${formatCpu(cpuCores)} CPU (${need}) but the quota allows ${spec.quota.cpu}; ${fix}` });
  }
  if (Math.round(memoryBytes) > Math.round(quotaMemory)) {
    ctx.addIssue({
      code: "custom",
      path: ["quota", "memory"],
      message: `the apps need ${formatMemory(memoryBytes)} of memory (${need}) but the quota allows ${spec.quota.memory}; ${fix}`,
    });
  }
  if (pods > spec.quota.pods) {
    ctx.addIssue({ code: "custom", path: ["quota", "pods"], message: `the apps need ${pods} pods (${need}) but the quota allows ${spec.quota.pods}; ${fix}` });
  }
}
