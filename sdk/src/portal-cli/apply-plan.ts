/**
 * What `babyhelm apply` would send to make the portal's project match a spec file, pure: from the file's
 * spec, the portal's (secret values masked) and the secret values given, the requests in the order that
 * keeps every intermediate state valid, each with its line of the plan. Secret values go into request
 * bodies only; a plan line names the secret and where its value came from.
 *
 * Order: the project (created, or changed with each quota dimension raised to the larger of now and
 * then), deleted apps (--prune), changed apps, new apps, and last a quota that shrinks, so the apps fit
 * the quota at every step as the portal checks it.
 */
import type { SpecIssue } from "../spec/errors.js";
import { parseQuantity } from "../spec/quantity.js";
import { isRecord, type AppSpec, type ProjectSpec, type QuotaSpec } from "../spec/schema.js";
import { shownValue } from "./format.js";
import { secretKey, secretVariableName, type SecretValues } from "./secrets.js";

export type ApplyStep =
  | { action: "createProject"; line: string; body: Record<string, unknown> }
  | { action: "updateProject"; line: string; body: Record<string, unknown> }
  | { action: "createApp"; app: string; line: string; body: Record<string, unknown> }
  | { action: "updateApp"; app: string; line: string; body: Record<string, unknown> }
  | { action: "deleteApp"; app: string; line: string };

export interface ApplyPlan {
  steps: ApplyStep[];
  /** Things apply leaves as they are, said so (apps not in the file without --prune, the spec's owner). */
  notes: string[];
  /** Why it cannot apply (a new secret without a value): nothing is sent. */
  problems: SpecIssue[];
}

export interface PlanOptions {
  prune: boolean;
  /** The spec file's name, for notes. */
  source: string;
}

/** The app fields apply manages; restartedAt only when the file sets it (the portal's restart sets it otherwise). */
const APP_FIELDS = ["image", "port", "replicas", "command", "args", "env", "resources", "healthCheck", "domain", "visibility", "autoscale", "restartedAt"] as const;
type AppField = (typeof APP_FIELDS)[number];

export function planApply(desired: ProjectSpec, current: ProjectSpec | null, secrets: SecretValues, options: PlanOptions): ApplyPlan {
  const steps: ApplyStep[] = [];
  const notes: string[] = [];
  const problems: SpecIssue[] = [];
  if (desired.owner !== undefined) notes.push(`owner is not applied: a project's owners on the portal are its members with the owner role`);

  let lastStep: ApplyStep | undefined;
  if (!current) {
    const body: Record<string, unknown> = { name: desired.name, quota: desired.quota, monitoring: desired.monitoring };
    if (desired.displayName !== undefined) body.displayName = desired.displayName;
    const facts = [
      ...(desired.displayName !== undefined ? [`displayName ${shownValue(desired.displayName)}`] : []),
      `quota cpu ${desired.quota.cpu}, memory ${desired.quota.memory}, pods ${desired.quota.pods}`,
      `dashboard ${desired.monitoring.dashboard ? "on" : "off"}`,
    ];
    steps.push({ action: "createProject", line: `+ project ${desired.name}: ${facts.join("; ")}`, body });
  } else {
    const raised = largerQuota(current.quota, desired.quota);
    const body: Record<string, unknown> = {};
    const changed: string[] = [];
    if (desired.displayName !== current.displayName) {
      body.displayName = desired.displayName ?? null;
      changed.push(`displayName ${shownValue(current.displayName)} -> ${shownValue(desired.displayName)}`);
    }
    if (desired.monitoring.dashboard !== current.monitoring.dashboard) {
      body.monitoring = desired.monitoring;
      changed.push(`monitoring.dashboard ${current.monitoring.dashboard} -> ${desired.monitoring.dashboard}`);
    }
    if (!sameJson(raised, current.quota)) {
      body.quota = raised;
      changed.push(...fieldChanges("quota", current.quota, raised));
    }
    if (changed.length > 0) steps.push({ action: "updateProject", line: `~ project ${desired.name}: ${changed.join("; ")}`, body });
    if (!sameJson(raised, desired.quota)) {
      lastStep = {
        action: "updateProject",
        line: `~ project ${desired.name}: ${fieldChanges("quota", raised, desired.quota).join("; ")} (after the apps, so they fit at every step)`,
        body: { quota: desired.quota },
      };
    }
  }

  const currentApps = new Map((current?.apps ?? []).map((app) => [app.name, app]));
  const desiredNames = new Set(desired.apps.map((app) => app.name));
  for (const app of current?.apps ?? []) {
    if (desiredNames.has(app.name)) continue;
    if (options.prune) steps.push({ action: "deleteApp", app: app.name, line: `- app ${app.name} (not in ${options.source}; --prune)` });
    else notes.push(`app ${app.name} is not in ${options.source} and stays; pass --prune to delete it`);
  }

  const created: ApplyStep[] = [];
  desired.apps.forEach((app, index) => {
    const before = currentApps.get(app.name);
    const secretChanges = planSecrets(app, index, before, secrets, problems);
    if (!before) {
      const body: Record<string, unknown> = { ...withoutSecrets(app), ...(secretChanges.values ? { secretEnv: secretChanges.values } : {}) };
      const facts = APP_FIELDS.filter((field) => !isEmpty(app[field])).map((field) => `${field} ${shownValue(app[field])}`);
      created.push({ action: "createApp", app: app.name, line: `+ app ${app.name}: ${[...facts, ...secretChanges.lines].join("; ")}`, body });
      return;
    }
    const body: Record<string, unknown> = {};
    const changed: string[] = [];
    for (const field of APP_FIELDS) {
      if (field === "restartedAt" && app.restartedAt === undefined) continue;
      const [was, wanted] = [comparable(field, before[field]), comparable(field, app[field])];
      if (sameJson(was, wanted)) continue;
      body[field] = app[field] ?? null;
      changed.push(...fieldChanges(field, was, wanted));
    }
    if (secretChanges.values) body.secretEnv = secretChanges.values;
    changed.push(...secretChanges.lines);
    if (changed.length > 0) steps.push({ action: "updateApp", app: app.name, line: `~ app ${app.name}: ${changed.join("; ")}`, body });
  });
  steps.push(...created);
  if (lastStep) steps.push(lastStep);
  return { steps, notes, problems };
}

/**
 * The secretEnv of an app's request: values given are set (the portal cannot show stored values, so a
 * value given is always sent), secrets the portal holds and the file names without a value are kept
 * (left out), secrets no longer in the file removed (null); a new secret without a value is a problem.
 */
function planSecrets(app: AppSpec, index: number, before: AppSpec | undefined, secrets: SecretValues, problems: SpecIssue[]) {
  const values: Record<string, string | null> = {};
  const lines: string[] = [];
  const held = new Set(Object.keys(before?.secretEnv ?? {}));
  for (const variable of Object.keys(app.secretEnv ?? {})) {
    const given = secrets.get(secretKey(app.name, variable));
    if (given) {
      values[variable] = given.value;
      lines.push(`secretEnv.${variable} ${held.has(variable) ? "set again" : "set"} (value from ${given.from})`);
    } else if (!held.has(variable)) {
      problems.push({
        path: `apps[${index}].secretEnv.${variable}`,
        message: `has no value: give it in --secret-env-file as ${secretKey(app.name, variable)}=... or in the environment as ${secretVariableName(app.name, variable)}`,
      });
    }
  }
  for (const variable of held) {
    if (app.secretEnv?.[variable] !== undefined) continue;
    values[variable] = null;
    lines.push(`secretEnv.${variable} removed`);
  }
  return { values: Object.keys(values).length > 0 ? values : undefined, lines };
}

function withoutSecrets(app: AppSpec): Record<string, unknown> {
  const { secretEnv: _secretEnv, ...rest } = app;
  return rest;
}

/** Absent and empty mean the same for the maps (the portal does not keep an empty env). */
function comparable(field: AppField, value: unknown): unknown {
  return field === "env" && isEmpty(value) ? undefined : value;
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 0);
}

/** Each key of each quota at the larger of the two; the text of the one kept. */
function largerQuota(a: QuotaSpec, b: QuotaSpec): QuotaSpec {
  const larger = (x: string, y: string) => ((parseQuantity(x) ?? 0) > (parseQuantity(y) ?? 0) ? x : y);
  return { cpu: larger(a.cpu, b.cpu), memory: larger(a.memory, b.memory), pods: Math.max(a.pods, b.pods) };
}

/** `env.LOG_LEVEL "info" -> "debug"`: a change per leaf of plain objects (absent as empty), lists compared whole. */
function fieldChanges(path: string, before: unknown, after: unknown): string[] {
  const objectOrAbsent = (value: unknown) => value === undefined || isRecord(value);
  if (objectOrAbsent(before) && objectOrAbsent(after) && (isRecord(before) || isRecord(after))) {
    const [was, wanted] = [(before ?? {}) as Record<string, unknown>, (after ?? {}) as Record<string, unknown>];
    const keys = [...new Set([...Object.keys(was), ...Object.keys(wanted)])];
    return keys.flatMap((key) => (sameJson(was[key], wanted[key]) ? [] : fieldChanges(`${path}.${key}`, was[key], wanted[key])));
  }
  return [`${path} ${shownValue(before)} -> ${shownValue(after)}`];
}

function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (isRecord(value)) {
    return `{${Object.keys(value)
      .filter((key) => value[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}
