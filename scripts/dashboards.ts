/**
 * `npm run dashboards`: writes the platform-wide Grafana dashboards into grafana-dashboards/. The files are
 * committed for review and for Grafana instances outside the platform stack; a test fails when they are stale.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { platformDashboards } from "../sdk/src/index.js";

export const DASHBOARDS_DIR = fileURLToPath(new URL("../grafana-dashboards/", import.meta.url));

export function dashboardFiles(): Record<string, string> {
  return Object.fromEntries(Object.entries(platformDashboards()).map(([file, dashboard]) => [file, `${JSON.stringify(dashboard, null, 2)}\n`]));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  mkdirSync(DASHBOARDS_DIR, { recursive: true });
  for (const [file, text] of Object.entries(dashboardFiles())) {
    writeFileSync(`${DASHBOARDS_DIR}${file}`, text);
    console.log(`wrote grafana-dashboards/${file}`);
  }
}
