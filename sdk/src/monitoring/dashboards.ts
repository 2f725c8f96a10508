/**
 * Grafana dashboards, built with Grafana's foundation SDK from the PromQL library (never hand-written
 * JSON): "BabyHelm / Project / <name>" for one project, and the platform-wide "BabyHelm / App" and
 * "BabyHelm / Namespaces", whose namespace variable lists every BabyHelm namespace as it appears.
 */
import { createHash } from "node:crypto";
import * as bargauge from "@grafana/grafana-foundation-sdk/bargauge";
import type * as cog from "@grafana/grafana-foundation-sdk/cog";
import {
  LegendDisplayMode,
  LegendPlacement,
  ReduceDataOptionsBuilder,
  SortOrder,
  TooltipDisplayMode,
  VizLegendOptionsBuilder,
  VizTooltipOptionsBuilder,
} from "@grafana/grafana-foundation-sdk/common";
import {
  CustomVariableBuilder,
  DashboardBuilder,
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  RowBuilder,
  VariableRefresh,
  VariableSort,
  type Dashboard,
  type Panel,
} from "@grafana/grafana-foundation-sdk/dashboard";
import { DataqueryBuilder } from "@grafana/grafana-foundation-sdk/prometheus";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import * as q from "./queries.js";

export const DASHBOARD_TAG = "babyhelm";
/** Grafana rejects dashboard uids longer than this. */
const MAX_UID_LENGTH = 40;

const DATASOURCE = { type: "prometheus", uid: "${datasource}" };
/** What Grafana passes for windows: at least four scrape intervals, and growing with the zoom. */
const GRAFANA_WINDOW = { window: "$__rate_interval", range: "$__rate_interval" };

const datasourceVariable = () => new DatasourceVariableBuilder("datasource").label("Data source").type("prometheus");

const namespaceVariable = () =>
  new QueryVariableBuilder("namespace")
    .label("Namespace")
    .datasource(DATASOURCE)
    .query(`label_values(${q.babyhelmNamespaces()}, namespace)`)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc);

const appVariable = (namespace: string) =>
  new QueryVariableBuilder("app")
    .label("App")
    .datasource(DATASOURCE)
    .query(`label_values(${q.appDeployments(namespace)}, deployment)`)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc);

function query(expr: string, legend: string, refId = "A") {
  return new DataqueryBuilder().expr(expr).legendFormat(legend).refId(refId).datasource(DATASOURCE);
}

function chart(title: string, unit: string, description: string, ...targets: DataqueryBuilder[]) {
  const panel = new timeseries.PanelBuilder()
    .title(title)
    .description(description)
    .unit(unit)
    .datasource(DATASOURCE)
    .min(0)
    .height(8)
    .span(12)
    // One line per app: without a legend and a shared tooltip they cannot be told apart.
    .legend(new VizLegendOptionsBuilder().showLegend(true).displayMode(LegendDisplayMode.List).placement(LegendPlacement.Bottom))
    .tooltip(new VizTooltipOptionsBuilder().mode(TooltipDisplayMode.Multi).sort(SortOrder.Descending));
  for (const target of targets) panel.withTarget(target);
  return panel;
}

/** The panels about apps, for one namespace and optionally one app; legends name the app. */
function appPanels(scope: q.QueryScope): cog.Builder<Panel>[] {
  const legend = "{{app}}";
  return [
    chart("CPU used", "short", "CPU cores used, per app.", query(q.cpuCoresUsed(scope, GRAFANA_WINDOW), legend)),
    chart(
      "CPU of requests",
      "percentunit",
      "CPU used as a share of the CPU requested (requests = limits in BabyHelm).",
      query(q.cpuRequestShare(scope, GRAFANA_WINDOW), legend),
    ).max(1),
    chart("Memory working set", "bytes", "Memory the kernel cannot reclaim: what the OOM killer compares with the limit.", query(q.memoryWorkingSetBytes(scope), legend)),
    chart("Memory of limit", "percentunit", "Working set as a share of the memory limit; at 100% the container is OOM-killed.", query(q.memoryLimitShare(scope), legend)).max(1),
    chart(
      "Pods available / desired",
      "short",
      "Pods ready to serve, against the pods the Deployment (or its autoscaler) asks for.",
      query(q.podsAvailable(scope), "{{app}} available", "A"),
      query(q.podsDesired(scope), "{{app}} desired", "B"),
    ).decimals(0),
    chart(
      "Restarts (sliding window)",
      "short",
      "Container restarts within a sliding window of a few scrape intervals ($__rate_interval); one restart shows on several points.",
      query(q.containerRestarts(scope, GRAFANA_WINDOW), legend),
    ),
    chart(
      "OOM kills (sliding window)",
      "short",
      "Restarts, within the same sliding window, of containers whose last termination was an out-of-memory kill.",
      query(q.oomKills(scope, GRAFANA_WINDOW), legend),
    ),
    chart(
      "CPU throttling",
      "percentunit",
      "Share of CPU periods in which the app hit its CPU limit and was throttled.",
      query(q.cpuThrottledShare(scope, GRAFANA_WINDOW), legend),
    ).max(1),
    chart("Network received", "Bps", "Bytes per second received by the app's pods.", query(q.networkReceiveBytesPerSecond(scope, GRAFANA_WINDOW), legend)),
    chart("Network sent", "Bps", "Bytes per second sent by the app's pods.", query(q.networkTransmitBytesPerSecond(scope, GRAFANA_WINDOW), legend)),
  ];
}

function quotaPanel(namespace: string) {
  return new bargauge.PanelBuilder()
    .title("Quota used")
    .description("What the project uses of each ResourceQuota resource; at 100% Kubernetes refuses new pods.")
    .datasource(DATASOURCE)
    .unit("percentunit")
    .min(0)
    .max(1)
    .height(8)
    .span(24)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(["lastNotNull"]))
    .withTarget(query(q.quotaUsedShare(namespace), "{{resource}}").instant());
}

function withPanels(dashboard: DashboardBuilder, row: RowBuilder, panels: cog.Builder<Panel>[]) {
  dashboard.withRow(row);
  for (const panel of panels) dashboard.withPanel(panel);
}

/** A uid Grafana accepts (at most 40 characters) that stays the same for the same name. */
export function dashboardUid(prefix: string, name: string): string {
  const uid = `${prefix}-${name}`;
  if (uid.length <= MAX_UID_LENGTH) return uid;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 8);
  return `${uid.slice(0, MAX_UID_LENGTH - hash.length - 1)}-${hash}`;
}

export interface ProjectDashboardOptions {
  /** The project, which is also its namespace. */
  project: string;
  /** The project's apps, offered in the dashboard's app selector. */
  apps: readonly string[];
  /** Shown in the title instead of the project's name. Default: the name. */
  displayName?: string;
}

/** What every BabyHelm dashboard shares: tags, time window, refresh, read-only, the data source selector. */
function babyhelmDashboard(title: string, uid: string, kind: "project" | "platform") {
  return new DashboardBuilder(title).uid(uid).tags([DASHBOARD_TAG, kind]).time({ from: "now-6h", to: "now" }).refresh("1m").readonly().withVariable(datasourceVariable());
}

/** "BabyHelm / Project / <name>": one project, its namespace fixed; every app, then one app in detail. */
export function projectDashboard(options: ProjectDashboardOptions): Dashboard {
  const namespace = options.project;
  const apps = new CustomVariableBuilder("app").label("App").values(options.apps.join(","));
  if (options.apps[0]) apps.current({ text: options.apps[0], value: options.apps[0] });
  const title = `BabyHelm / Project / ${options.displayName ?? options.project}`;
  const dashboard = babyhelmDashboard(title, dashboardUid("babyhelm-project", options.project), "project").withVariable(apps);
  withPanels(dashboard, new RowBuilder("Quota"), [quotaPanel(namespace)]);
  withPanels(dashboard, new RowBuilder("All apps"), appPanels({ namespace }));
  withPanels(dashboard, new RowBuilder("App: $app"), appPanels({ namespace, app: "$app" }));
  return dashboard.build();
}

/** "BabyHelm / App": any app of any BabyHelm namespace. */
export function appDashboard(): Dashboard {
  const dashboard = babyhelmDashboard("BabyHelm / App", "babyhelm-app", "platform").withVariable(namespaceVariable()).withVariable(appVariable("$namespace"));
  withPanels(dashboard, new RowBuilder("$app in $namespace"), appPanels({ namespace: "$namespace", app: "$app" }));
  return dashboard.build();
}

/** "BabyHelm / Namespaces": any BabyHelm namespace; a new project appears in the selector by itself. */
export function namespacesDashboard(): Dashboard {
  const dashboard = babyhelmDashboard("BabyHelm / Namespaces", "babyhelm-namespaces", "platform").withVariable(namespaceVariable());
  withPanels(dashboard, new RowBuilder("Quota of $namespace"), [quotaPanel("$namespace")]);
  withPanels(dashboard, new RowBuilder("Apps of $namespace"), appPanels({ namespace: "$namespace" }));
  return dashboard.build();
}

/** The platform-wide dashboards by file name, as `npm run dashboards` writes them. */
export function platformDashboards(): Record<string, Dashboard> {
  return { "babyhelm-namespaces.json": namespacesDashboard(), "babyhelm-app.json": appDashboard() };
}
