/** Reading generated dashboards back: every PromQL they carry, with Grafana's variables filled in as Grafana would. */

/** Values for the variables BabyHelm's dashboards use, so their queries can be checked as Prometheus will see them. */
export const SAMPLE_VARIABLES: Record<string, string> = {
  __rate_interval: "5m",
  __interval: "1m",
  __range: "1h",
  namespace: "shop",
  app: "web",
};

/**
 * Replaces `$name` and `${name}` as Grafana does before it sends a query. Grafana leaves names it does
 * not know untouched, such as label_replace's `$1`; any other unknown name here is a dashboard bug.
 */
export function interpolate(expr: string, variables: Record<string, string> = SAMPLE_VARIABLES): string {
  return expr.replace(/\$\{(\w+)\}|\$(\w+)/g, (match, braced: string | undefined, plain: string | undefined) => {
    const name = (braced ?? plain)!;
    if (/^\d/.test(name)) return match;
    const value = variables[name];
    if (value === undefined) throw new Error(`no sample value for the Grafana variable ${match}`);
    return value;
  });
}

/** Every PromQL expression of a dashboard: panel targets, and the selectors of `label_values(...)` variables. */
export function dashboardQueries(dashboard: unknown): string[] {
  const queries: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (typeof value !== "object" || value === null) return;
    const record = value as Record<string, unknown>;
    if (typeof record.expr === "string") queries.push(record.expr);
    if (record.type === "query" && typeof record.query === "string") {
      const labelValues = /^label_values\((.*),\s*\w+\)$/s.exec(record.query);
      queries.push(labelValues ? labelValues[1]! : record.query);
    }
    Object.values(record).forEach(visit);
  };
  visit(dashboard);
  return queries;
}
