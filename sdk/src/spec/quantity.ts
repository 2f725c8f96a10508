import { shown } from "./names.js";

/**
 * Kubernetes resource quantities ("250m", "0.5", "4Gi", "129e6"), parsed to plain numbers so the spec can
 * compare what apps request with what the quota allows.
 */

const QUANTITY = /^(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

const MULTIPLIERS: Record<string, number> = {
  "": 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** The value of a quantity in base units (cores or bytes), or undefined when it is not a quantity. */
export function parseQuantity(text: string): number | undefined {
  const match = QUANTITY.exec(text);
  if (!match) return undefined;
  const [, digits, suffix = ""] = match;
  // "E" alone is exa; only "e"/"E" followed by digits is an exponent.
  const multiplier = /^[eE][+-]?\d+$/.test(suffix) ? 10 ** Number(suffix.slice(1)) : MULTIPLIERS[suffix];
  const value = Number(digits) * (multiplier ?? Number.NaN);
  return Number.isFinite(value) ? value : undefined;
}

const ONE_MILLICORE = 1e-3;
const MIN_MEMORY_BYTES = 6 * 2 ** 20;
// Far above any node or quota of today, far below the exa-scale typos ("2E") that Kubernetes would accept.
const MAX_CORES = 10_000;
const MAX_MEMORY_BYTES = 2 ** 50;

/** Why `text` is not a usable CPU amount, or undefined when it is. */
export function cpuProblem(text: string): string | undefined {
  const cores = parseQuantity(text);
  if (cores === undefined) {
    return `${shown(text)} is not a CPU quantity: use cores such as "2" or "0.5", or millicores such as "250m"`;
  }
  if (cores < ONE_MILLICORE) return `"${text}" is less than the smallest CPU amount, "1m"`;
  if (cores > MAX_CORES) return `"${text}" is more than ${MAX_CORES} cores; use cores such as "2" or millicores such as "250m"`;
  return undefined;
}

/** Why `text` is not a usable memory amount, or undefined when it is. */
export function memoryProblem(text: string): string | undefined {
  const bytes = parseQuantity(text);
  if (bytes === undefined) {
    const hint = /^\d+(\.\d+)?\s*[KMGT]B$/i.test(text) ? ` (did you mean "${text.replace(/\s*([KMGT])B$/i, (_, unit: string) => `${unit.toUpperCase()}i`)}"?)` : "";
    return `${shown(text)} is not a memory quantity: use binary units such as "512Mi" or "4Gi"${hint}`;
  }
  if (/m$/.test(text)) {
    return `"${text}" means millibytes; use "${text.slice(0, -1)}Mi" for mebibytes`;
  }
  if (bytes < MIN_MEMORY_BYTES) return `"${text}" is below the container runtime's minimum of 6Mi`;
  if (bytes > MAX_MEMORY_BYTES) return `"${text}" is more than 1Pi; use binary units such as "512Mi" or "4Gi"`;
  return undefined;
}

/** A human figure for messages: "1.5" cores, "768Mi". */
export function formatCpu(cores: number): string {
  return Number.isInteger(cores) ? String(cores) : `${Math.round(cores * 1000)}m`;
}

export function formatMemory(bytes: number): string {
  for (const [unit, size] of [
    ["Gi", 2 ** 30],
    ["Mi", 2 ** 20],
    ["Ki", 2 ** 10],
  ] as const) {
    if (bytes >= size && Number.isInteger(bytes / size)) return `${bytes / size}${unit}`;
  }
  return bytes >= 2 ** 20 ? `${(bytes / 2 ** 20).toFixed(1)}Mi` : `${bytes}`;
}
