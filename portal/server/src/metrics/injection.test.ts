/**
 * Tenant isolation of the PromQL endpoint, against real Prometheus. The oracle does not depend on what a
 * query does: the portal asks a Prometheus that holds both tenants' series (and cluster-level ones), and
 * the same confined query goes to a second Prometheus that holds `alpha`'s series only. Whatever the
 * query computes, the answers must be equal; anything in the first that is not in the second came from
 * another tenant. A refusal (400) is also safe; anything else fails.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requiredTool } from "../../../../sdk/src/test-support/tools.js";
import { metricsFixture } from "../test-support/metrics-fixture.js";
import { signUp, startTestPortal, type TestPortal } from "../test-support/portal.js";
import { startPrometheus, type RunningPrometheus } from "../test-support/prometheus.js";
import { createProject } from "../test-support/projects.js";
import { enforceNamespace } from "./enforce.js";

const prometheusPath = requiredTool("prometheus", "prometheus");
const promtoolPath = requiredTool("promtool", "prometheus");
const end = Math.floor(Date.now() / 60_000) * 60 - 120;
const window = { start: String(end - 1800), end: String(end), step: "60" };

/** Attempts to read `beta`'s series (or the cluster's, which have no namespace) from project `alpha`. */
const ATTEMPTS: string[] = [
  // Matchers on the namespace label.
  'tenant_secret{namespace="beta"}',
  'tenant_secret{namespace!="alpha"}',
  'tenant_secret{namespace=~"beta|alpha"}',
  'tenant_secret{namespace=~".*"}',
  'tenant_secret{namespace!~"alpha"}',
  'tenant_secret{namespace=""}',
  'tenant_secret{namespace="beta",namespace="alpha"}',
  'tenant_secret{namespace = "beta" , }',
  "tenant_secret{namespace=`beta`}",
  "tenant_secret{namespace='beta'}",
  'tenant_secret{namespace="a\\"} or tenant_secret{namespace=\\"beta"}',
  // Quoted label names (Prometheus 3 syntax), escapes included.
  'tenant_secret{"namespace"="beta"}',
  "tenant_secret{'namespace'=\"beta\"}",
  'tenant_secret{"name\\u0073pace"="beta"}',
  'tenant_secret{"name\\x73pace"="beta"}',
  '{"tenant_secret", namespace="beta"}',
  // Set operators and joins.
  'tenant_secret{namespace="alpha"} or tenant_secret{namespace="beta"}',
  'tenant_secret{namespace="beta"} unless tenant_secret{namespace="alpha"}',
  'tenant_secret{namespace="alpha"} unless on() tenant_secret{namespace="beta"}',
  'tenant_secret and on() tenant_secret{namespace="beta"}',
  'tenant_secret{namespace="alpha"} + on() group_left(pod) max(tenant_secret{namespace="beta"})',
  'vector(1) * on() group_left() max(tenant_secret{namespace="beta"})',
  // Functions, aggregations, relabelling.
  'label_replace(tenant_secret{namespace="beta"}, "namespace", "alpha", "", "")',
  'label_join(tenant_secret{namespace="beta"}, "copy", ",", "namespace", "pod")',
  'sum by (namespace) (rate(container_cpu_usage_seconds_total{namespace="beta"}[5m]))',
  'topk by (namespace) (100, {__name__=~".+"})',
  'count_values("namespace", tenant_secret)',
  'scalar(max(tenant_secret{namespace="beta"}))',
  'absent(tenant_secret{namespace="beta"})',
  '-tenant_secret{namespace="beta"}',
  '(((tenant_secret{namespace="beta"})))',
  // Subqueries, offset and @.
  'max_over_time(tenant_secret{namespace="beta"}[10m:1m])',
  'rate(tenant_secret{namespace="beta"}[5m:30s])',
  'tenant_secret{namespace="beta"} offset 5m',
  'last_over_time(tenant_secret{namespace="beta"}[5m] offset 1m)',
  'tenant_secret{namespace="beta"} @ end()',
  `tenant_secret{namespace="beta"} @ ${end - 300}`,
  'max_over_time(sum by (namespace) (tenant_secret{namespace=~".+"})[15m:1m] offset 2m)',
  // Selectors without a metric name, and __name__ tricks.
  '{namespace="beta"}',
  '{__name__="tenant_secret"}',
  '{__name__=~"tenant_.*", namespace="beta"}',
  'count by (__name__) ({__name__=~".+"})',
  'sum by (namespace, pod) ({__name__=~".+", namespace=~"be.*"})',
  '{__name__=~"node_.*"}',
  // Cluster-level series, which carry no namespace at all.
  "node_memory_MemTotal_bytes",
  'tenant_secret{scope="cluster"}',
  // Comments.
  'tenant_secret # {namespace="beta"}',
  'tenant_secret{namespace="alpha"} # comment\nor tenant_secret{namespace="beta"}',
  'tenant_secret{# not a matcher\nnamespace="beta"}',
  // Prometheus ends a comment at \r as well as \n; lezer only at \n, so it would not see what follows \r.
  'tenant_secret # comment\ror tenant_secret{namespace="beta"}',
  'max_over_time( # \rtenant_secret{namespace="beta"}[5m]\n)',
  'tenant_secret{pod # \r=~"beta-.*"} or tenant_secret{job\n=~".*"}',
  // Parse errors, which a lenient parser could "recover" into something else.
  'tenant_secret{namespace="beta"',
  'tenant_secret{namespace="alpha"}) or (tenant_secret{namespace="beta"}',
  'tenant_secret{namespace="alpha"} and and tenant_secret{namespace="beta"}',
  'tenant_secret{namespace="beta\n"}',
  'tenant_secret{namespace="beta\\q"}',
  'tenant_secret{namespace="beta"}\u0000',
  'info(tenant_secret{namespace="alpha"})',
];

interface QueryJson {
  status: string;
  data: { resultType: string; result: { metric: Record<string, string>; values: [number, string][] }[] };
}

const canonical = (json: QueryJson) => json.data.result.map((series) => JSON.stringify(series)).sort();

describe.skipIf(!prometheusPath || !promtoolPath)("PromQL from a tenant", () => {
  let everything: RunningPrometheus;
  let alphaOnly: RunningPrometheus;
  let portal: TestPortal;
  let cookie: string;

  beforeAll(async () => {
    const tools = { prometheus: prometheusPath!, promtool: promtoolPath! };
    [everything, alphaOnly] = await Promise.all([
      startPrometheus(tools, metricsFixture(end).openMetrics),
      startPrometheus(tools, metricsFixture(end, { only: "alpha" }).openMetrics),
    ]);
    portal = await startTestPortal({ env: { PROMETHEUS_URL: everything.url } });
    cookie = await signUp(portal, "owner@example.com");
    await createProject(portal, cookie, "alpha");
  }, 60_000);

  afterAll(async () => {
    await portal?.stop();
    await Promise.all([everything?.stop(), alphaOnly?.stop()]);
  });

  const direct = async (prometheus: RunningPrometheus, query: string): Promise<QueryJson> => {
    const response = await fetch(`${prometheus.url}/api/v1/query_range?${new URLSearchParams({ query, ...window })}`);
    return (await response.json()) as QueryJson;
  };

  it("has an oracle that sees a leak: the raw query answers differently from the two", async () => {
    const leak = 'tenant_secret{namespace="beta"}';
    expect(canonical(await direct(everything, leak))).not.toEqual(canonical(await direct(alphaOnly, leak)));
  });

  it(`never answers with another tenant's series, in ${ATTEMPTS.length} attempts`, async () => {
    expect(ATTEMPTS.length).toBeGreaterThanOrEqual(30);
    const outcomes = { answered: 0, refused: 0 };
    for (const attempt of ATTEMPTS) {
      const { status, json, text } = await portal.request("GET", `/api/projects/alpha/metrics/query?${new URLSearchParams({ query: attempt, ...window })}`, { cookie });
      expect({ attempt, status }, text).toEqual({ attempt, status: expect.toBeOneOf([200, 400]) });
      if (status === 400) {
        outcomes.refused++;
        // Text no store can hold is refused as any field's is, before the query is read.
        if (attempt.includes("\u0000")) expect(json.error).toMatchObject({ code: "invalid_request", details: [{ path: "query", message: expect.stringContaining("NUL") }] });
        else expect(json.error.code).toBe("invalid_query");
        continue;
      }
      outcomes.answered++;
      const expected = await direct(alphaOnly, enforceNamespace(attempt, "alpha"));
      expect({ attempt, result: canonical(json) }).toEqual({ attempt, result: canonical(expected) });
      for (const series of json.data.result) expect({ attempt, pod: series.metric.pod ?? "" }).not.toEqual({ attempt, pod: expect.stringMatching(/^beta-/) });
    }
    // Isolation by refusing everything would be no product: most attempts are valid PromQL and get answers.
    expect(outcomes.answered).toBeGreaterThanOrEqual(35);
  });

  it("answers the tenant's own series in full", async () => {
    const { json } = await portal.request(
      "GET",
      `/api/projects/alpha/metrics/query?${new URLSearchParams({ query: 'tenant_secret{namespace="beta"} or node_memory_MemTotal_bytes', ...window })}`,
      { cookie },
    );
    expect(json.data.result.map((series: { metric: Record<string, string> }) => series.metric.pod).sort()).toEqual(["api-7c8d5-ccccc", "web-6b7f9c-aaaaa", "web-6b7f9c-bbbbb"]);
  });
});
