import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { dashboardFiles, DASHBOARDS_DIR } from "../../../scripts/dashboards.js";
import { renderProject } from "../render/render.js";
import { dashboardQueries, interpolate } from "../test-support/grafana.js";
import { promtool, requiredTool } from "../test-support/tools.js";
import { appDashboard, dashboardUid, namespacesDashboard, projectDashboard } from "./dashboards.js";
import { promqlSyntaxErrors } from "./parse.js";
import { allQueries } from "./queries.js";
import { tempDir } from "../../../test/support/temp-dir.js";

const promtoolPath = requiredTool("promtool", "prometheus");

const dashboards = {
  project: projectDashboard({ project: "shop", apps: ["web", "worker"] }),
  app: appDashboard(),
  namespaces: namespacesDashboard(),
};

/** Every expression the library and the dashboards produce, as Prometheus will receive it. */
function everyExpression(): { source: string; expr: string }[] {
  const library = [{ namespace: "shop" }, { namespace: "shop", app: "web" }, { namespace: 'name-with-"quote"', app: "back\\slash" }].flatMap((scope) =>
    [{}, { window: "2m", range: "30m" }].flatMap((options) =>
      Object.entries(allQueries(scope, options)).map(([name, expr]) => ({ source: `library ${name} ${JSON.stringify(scope)}`, expr })),
    ),
  );
  const fromDashboards = Object.entries(dashboards).flatMap(([name, dashboard]) =>
    dashboardQueries(dashboard).map((expr) => ({ source: `dashboard ${name}`, expr: interpolate(expr) })),
  );
  return [...library, ...fromDashboards];
}

describe("PromQL of the library and the dashboards", () => {
  it("parses with Prometheus' grammar, without a single error node", () => {
    const expressions = everyExpression();
    expect(expressions.length).toBeGreaterThan(100);
    for (const { source, expr } of expressions) expect(promqlSyntaxErrors(expr), `${source}: ${expr}`).toEqual([]);
    expect(promqlSyntaxErrors('sum(rate(x{namespace="a"}[5m])')).not.toEqual([]);
  });

  it.skipIf(!promtoolPath)("is accepted by promtool check rules", async () => {
    const dir = tempDir("rules");
    const rules = everyExpression().map(({ expr }, index) => ({ record: `babyhelm:check:${index}`, expr }));
    writeFileSync(join(dir, "rules.yml"), stringify({ groups: [{ name: "babyhelm-check", rules }] }, { lineWidth: 0 }));
    const output = await promtool(promtoolPath!, ["check", "rules", "rules.yml"], dir);
    expect(output).toContain(`SUCCESS: ${rules.length} rules found`);
  });
});

describe("dashboards", () => {
  it("fixes the project dashboard's queries to the project's namespace", () => {
    const queries = dashboardQueries(dashboards.project);
    expect(queries.length).toBeGreaterThanOrEqual(20);
    for (const query of queries) {
      expect(query).toMatch(/namespace="shop"/);
      expect(query.match(/namespace="[^"]*"/g)!.every((matcher) => matcher === 'namespace="shop"')).toBe(true);
    }
    expect(dashboards.project.title).toBe("BabyHelm / Project / shop");
    expect(dashboards.project.templating?.list?.map((variable) => variable.name)).toEqual(["datasource", "app"]);
  });

  it("lists every BabyHelm namespace in the platform dashboards' namespace variable, by label, so new projects appear by themselves", () => {
    for (const dashboard of [dashboards.app, dashboards.namespaces]) {
      const namespace = dashboard.templating?.list?.find((variable) => variable.name === "namespace");
      expect(namespace?.query).toBe('label_values(kube_namespace_labels{job="kube-state-metrics",label_app_kubernetes_io_managed_by="babyhelm"}, namespace)');
      for (const query of dashboardQueries(dashboard).filter((text) => !text.startsWith("kube_namespace_labels"))) {
        expect(query).toContain('namespace="$namespace"');
      }
    }
    expect([dashboards.app.title, dashboards.namespaces.title]).toEqual(["BabyHelm / App", "BabyHelm / Namespaces"]);
  });

  it("gives every dashboard a uid Grafana accepts, stable for the same project", () => {
    expect(dashboardUid("babyhelm-project", "shop")).toBe("babyhelm-project-shop");
    const long = dashboardUid("babyhelm-project", "a".repeat(40));
    expect(long.length).toBeLessThanOrEqual(40);
    expect(dashboardUid("babyhelm-project", "a".repeat(40))).toBe(long);
    expect(dashboardUid("babyhelm-project", `${"a".repeat(39)}b`)).not.toBe(long);
  });

  it("are committed in grafana-dashboards/ exactly as npm run dashboards writes them", () => {
    const expected = dashboardFiles();
    expect(readdirSync(DASHBOARDS_DIR).sort()).toEqual(Object.keys(expected).sort());
    for (const [file, text] of Object.entries(expected)) {
      expect(readFileSync(join(DASHBOARDS_DIR, file), "utf8"), `grafana-dashboards/${file} is stale: run npm run dashboards`).toBe(text);
    }
  });
});

describe("the project dashboard ConfigMap", () => {
  it("is rendered into the monitoring namespace with the sidecar's label and folder annotation", async () => {
    const objects = await renderProject({ name: "shop", displayName: "Shop", apps: [{ name: "web", image: "nginx" }] });
    const configMap = objects.find((object) => object.kind === "ConfigMap")!;
    expect(configMap.metadata).toEqual({
      name: "babyhelm-project-dashboard-shop",
      namespace: "monitoring",
      labels: { "app.kubernetes.io/managed-by": "babyhelm", "babyhelm.io/project": "shop", grafana_dashboard: "1" },
      annotations: { grafana_folder: "BabyHelm" },
    });
    const json = JSON.parse((configMap as { data: Record<string, string> }).data["babyhelm-project-dashboard-shop.json"]!);
    expect(json).toEqual(JSON.parse(JSON.stringify(projectDashboard({ project: "shop", apps: ["web"], displayName: "Shop" }))));
    expect(json.title).toBe("BabyHelm / Project / Shop");
  });

  it("follows the platform's monitoring namespace, and is left out when monitoring.dashboard is false", async () => {
    const moved = await renderProject({ name: "shop" }, { platform: { monitoringNamespace: "observability" } });
    expect(moved.find((object) => object.kind === "ConfigMap")!.metadata.namespace).toBe("observability");
    const without = await renderProject({ name: "shop", monitoring: { dashboard: false } });
    expect(without.some((object) => object.kind === "ConfigMap")).toBe(false);
  });
});
