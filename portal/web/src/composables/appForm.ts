/** The app form's values and the API body they become (the app fields of the ProjectSpec). */
import type { AppVisibility } from "@babyhelm/sdk/api";
import type { Row } from "../components/KeyValueEditor.vue";

export interface AppFormValues {
  name: string;
  image: string;
  port: string;
  replicas: string;
  command: string;
  args: string;
  env: Row[];
  secretEnv: Row[];
  cpu: string;
  memory: string;
  healthCheckPath: string;
  domain: string;
  visibility: AppVisibility;
  autoscale: boolean;
  autoscaleMin: string;
  autoscaleMax: string;
  cpuPercent: string;
}

/** Numbers as the user typed them: a non-number is sent as text, for the API to name the field. */
const number = (text: string): number | string => (/^-?\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : text.trim());
const lines = (text: string) =>
  text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);

/**
 * The body of POST (new) or PATCH (edit). On edit, optional fields left empty are sent as null (removed), and
 * secret values follow the API's write-only rules: an untouched secret is kept, a removed row is deleted.
 */
export function toAppBody(values: AppFormValues, originalSecrets: string[], editing: boolean): Record<string, unknown> {
  const none = editing ? null : undefined;
  const body: Record<string, unknown> = {
    name: values.name,
    image: values.image,
    port: values.port.trim() ? number(values.port) : none,
    command: lines(values.command).length > 0 ? lines(values.command) : none,
    args: lines(values.args).length > 0 ? lines(values.args) : none,
    env: values.env.some((row) => row.name) ? Object.fromEntries(values.env.filter((row) => row.name).map((row) => [row.name, row.value])) : none,
    resources: { cpu: values.cpu, memory: values.memory },
    healthCheck: values.healthCheckPath ? { path: values.healthCheckPath } : none,
    domain: values.domain ? values.domain : none,
    // Public is the API's default: sent only when private, and as null (back to public) on edit.
    visibility: values.visibility === "private" ? "private" : none,
  };
  if (values.autoscale) {
    body.autoscale = { min: number(values.autoscaleMin), max: number(values.autoscaleMax), cpuPercent: number(values.cpuPercent) };
    body.replicas = none;
  } else {
    body.replicas = number(values.replicas);
    body.autoscale = none;
  }
  const secretEntries: [string, string | null][] = values.secretEnv.filter((row) => row.name && !row.unchanged).map((row) => [row.name, row.value]);
  const kept = new Set(values.secretEnv.filter((row) => row.name).map((row) => row.name));
  for (const name of originalSecrets) if (!kept.has(name)) secretEntries.push([name, null]);
  if (secretEntries.length > 0 || (!editing && values.secretEnv.some((row) => row.name))) body.secretEnv = Object.fromEntries(secretEntries);
  for (const key of Object.keys(body)) if (body[key] === undefined) delete body[key];
  return body;
}
