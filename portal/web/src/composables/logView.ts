/** Pure helpers of the log view: what a search keeps, how pods are told apart, and the downloaded text. */
import type { LogEntry } from "./useAppLogs.js";

/** Case-insensitive, within the line's text, its pod and container; notices only when they match too. */
export function filterLogs(entries: readonly LogEntry[], search: string, pod: string | null): LogEntry[] {
  const needle = search.trim().toLowerCase();
  if (!needle && !pod) return entries as LogEntry[];
  return entries.filter((entry) => {
    if (pod && entry.kind === "line" && entry.pod !== pod) return false;
    if (!needle) return true;
    const haystack = entry.kind === "line" ? `${entry.pod} ${entry.container} ${entry.text}` : entry.text;
    return haystack.toLowerCase().includes(needle);
  });
}

/**
 * A pod's label without the app's name in front ("web-7d9f8c-x2k4q" is "7d9f8c-x2k4q" on web's page),
 * since every pod on the page shares it.
 */
export function podLabel(pod: string, app: string): string {
  return pod.startsWith(`${app}-`) && pod.length > app.length + 1 ? pod.slice(app.length + 1) : pod;
}

/** A stable colour slot per pod, by first appearance, so a pod keeps its colour as lines arrive. */
export function podColours(entries: readonly LogEntry[], slots = 6): Map<string, number> {
  const colours = new Map<string, number>();
  for (const entry of entries) if (entry.kind === "line" && !colours.has(entry.pod)) colours.set(entry.pod, colours.size % slots);
  return colours;
}

export function logsAsText(entries: readonly LogEntry[]): string {
  return entries
    .map((entry) => (entry.kind === "line" ? `${entry.time ?? "-"} [${entry.pod}/${entry.container}] ${entry.text}` : `${entry.time ?? "-"} --- ${entry.text}`))
    .join("\n")
    .concat(entries.length > 0 ? "\n" : "");
}

export function logsFileName(project: string, app: string, now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return `${project}-${app}-logs-${stamp}.txt`;
}

export function timeOfDay(time: string | null): string {
  if (!time) return "";
  const date = new Date(time);
  return Number.isNaN(date.getTime()) ? "" : date.toLocaleTimeString(undefined, { hour12: false });
}
