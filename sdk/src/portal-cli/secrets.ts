/**
 * Where `babyhelm apply` takes secret values from, never from the spec file: a spec names each secret
 * variable with the mask `"********"` (as the portal's GET /spec and an export's spec.yaml write it), and
 * its value comes from
 *   1. `--secret-env-file FILE`, one `APP.KEY=value` a line (`#` comments and blank lines skipped; a value
 *      wrapped in matching single or double quotes loses them; no escapes, no multi-line values), else
 *   2. the environment variable `BABYHELM_SECRET_<APP>_<KEY>` (APP upper-cased with `-` as `_`, KEY as written),
 *      else
 *   3. the value the portal holds already, when the app has that secret there; a new secret without a
 *      value is an error.
 * Messages name files, lines and variables, never values.
 */
import { MASKED_SECRET_VALUE } from "../render/yaml.js";
import type { SpecIssue } from "../spec/errors.js";
import type { ProjectSpec } from "../spec/schema.js";

export const SECRET_PLACEHOLDER = MASKED_SECRET_VALUE;

export interface SecretValue {
  value: string;
  /** Where it came from, for the plan: `secrets.env line 3` or `BABYHELM_SECRET_WEB_API_KEY`. */
  from: string;
}

/** `app.KEY` -> its value. */
export type SecretValues = Map<string, SecretValue>;

export const secretKey = (app: string, variable: string) => `${app}.${variable}`;

/** `BABYHELM_SECRET_WEB_API_KEY` for app `web`, variable `API_KEY`. */
export function secretVariableName(app: string, variable: string): string {
  return `BABYHELM_SECRET_${app.toUpperCase().replaceAll("-", "_")}_${variable}`;
}

/** A spec file's secretEnv values must be the placeholder: a value in the file would end up in a repository. */
export function secretValuesInSpec(spec: ProjectSpec): SpecIssue[] {
  return spec.apps.flatMap((app, index) =>
    Object.entries(app.secretEnv ?? {})
      .filter(([, value]) => value !== SECRET_PLACEHOLDER)
      .map(([variable]) => ({
        path: `apps[${index}].secretEnv.${variable}`,
        message: `holds a value; a spec file for apply names secrets only: write "${SECRET_PLACEHOLDER}" and give the value in --secret-env-file as ${secretKey(app.name, variable)}=... or in the environment as ${secretVariableName(app.name, variable)}`,
      })),
  );
}

/** Reads `APP.KEY=value` lines; problems name the line, never its content. */
export function parseSecretEnvFile(text: string, source: string): { values: SecretValues; problems: string[] } {
  const values: SecretValues = new Map();
  const problems: string[] = [];
  const lines = new Map<string, number>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const where = `${source} line ${index + 1}`;
    const match = /^([a-z][a-z0-9-]*)\.([^=\s]+)\s*=(.*)$/.exec(line);
    if (!match) {
      problems.push(`${where}: expected APP.KEY=value, such as web.API_KEY=...`);
      return;
    }
    const [, app, variable, rest] = match as unknown as [string, string, string, string];
    let value = rest.trim();
    if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.at(-1) === value[0]) value = value.slice(1, -1);
    const key = secretKey(app, variable);
    const earlier = lines.get(key);
    if (earlier !== undefined) problems.push(`${where}: ${key} is also on line ${earlier}; give it once`);
    else {
      lines.set(key, index + 1);
      values.set(key, { value, from: where });
    }
  });
  return { values, problems };
}

/**
 * The values for the spec's secrets from the file's entries and the environment. An entry of the file
 * that is no secret of the spec is a problem (a typo would otherwise keep the old value silently).
 */
export function collectSecretValues(spec: ProjectSpec, fromFile: SecretValues, env: Record<string, string | undefined>): { values: SecretValues; problems: string[] } {
  const values: SecretValues = new Map();
  const problems: string[] = [];
  // Two secrets could map to one variable name (app "a", API_KEY_X and app "a-api", KEY_X): such a name is refused.
  const keysByVariable = new Map<string, string[]>();
  for (const app of spec.apps) {
    for (const variable of Object.keys(app.secretEnv ?? {})) {
      const name = secretVariableName(app.name, variable);
      keysByVariable.set(name, [...(keysByVariable.get(name) ?? []), secretKey(app.name, variable)]);
    }
  }
  const wanted = new Set<string>();
  for (const [name, keys] of keysByVariable) {
    for (const key of keys) {
      wanted.add(key);
      const given = fromFile.get(key);
      if (given) values.set(key, given);
      else if (env[name] !== undefined && keys.length > 1) problems.push(`${name} could be the value of ${keys.join(" or ")}; give ${key} in --secret-env-file instead`);
      else if (env[name] !== undefined) values.set(key, { value: env[name], from: name });
    }
  }
  for (const [key, given] of fromFile) {
    if (!wanted.has(key))
      problems.push(
        `${given.from}: ${key} is not a secret of the spec (no app "${key.split(".")[0]}" with secretEnv ${key.slice(key.indexOf(".") + 1)}); fix the name or add it to the spec`,
      );
  }
  return { values, problems };
}
