/** Plain-text output of the portal commands: aligned tables and short times, nothing a pipe cannot read. */
import type { DeploymentSummary } from "../api/index.js";

/** Columns padded to their widest cell, two spaces apart; the first row is the header. */
export function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, index) => (widths[index] = Math.max(widths[index] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index]!)))
      .join("  ")
      .trimEnd(),
  );
}

/** `2026-12-03T10:00:00.123Z` -> `2026-12-03 10:00:00Z`. */
export function shortTime(timestamp: string | null | undefined): string {
  return timestamp ? timestamp.replace("T", " ").replace(/\.\d+Z$/, "Z") : "";
}

/** `#12 up succeeded 2026-12-03 10:00:00Z`: a deployment in one cell. */
export function deploymentCell(deployment: Pick<DeploymentSummary, "id" | "kind" | "status" | "createdAt" | "finishedAt"> | null | undefined): string {
  if (!deployment) return "never deployed";
  return `#${deployment.id} ${deployment.kind} ${deployment.status} ${shortTime(deployment.finishedAt ?? deployment.createdAt)}`;
}

/** `create 9, update 1` from a run's summary of changes. */
export function changesText(summary: Record<string, number> | null | undefined): string {
  const entries = Object.entries(summary ?? {}).filter(([, count]) => count > 0);
  return entries.length > 0 ? entries.map(([op, count]) => `${op} ${count}`).join(", ") : "no changes";
}

/** A value in a plan line: strings quoted, absent as "(none)". */
export function shownValue(value: unknown): string {
  return value === undefined || value === null ? "(none)" : JSON.stringify(value);
}
