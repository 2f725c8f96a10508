/**
 * Project figures, each against its baseline in the same run:
 * - enqueue-to-start latency p95 of a deployment with an idle worker (target <= 100 ms), from the
 *   database's own clock (created_at -> started_at);
 * - GET /api/projects p95 with 10,000 projects and 100,000 apps in the database vs with 100 projects
 *   (target ratio <= 2): the list's cost must follow the user's projects, not the platform's size.
 */
import type { ResponseOf, createDeployment } from "@babyhelm/sdk/api";
import knexFactory from "knex";
import { knexSnakeCaseMappers } from "objection";
import { portalCall, type Servers } from "./portal.js";
import type { BenchResult } from "./measure.js";

const DEPLOYMENTS = 20;
const REQUESTS = 300;

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function benchProjects(servers: Servers): Promise<BenchResult[]> {
  const knex = knexFactory({ client: "pg", connection: servers.databaseUrl, pool: { min: 0, max: 2 }, ...knexSnakeCaseMappers() });
  try {
    const call = await portalCall(servers);
    await call("POST", "/api/projects", { name: "bench", quota: { cpu: "1", memory: "1Gi" } });
    await call("POST", "/api/projects/bench/apps", { name: "web", image: "nginx:1.27", port: 80 });

    const latencies: number[] = [];
    for (let run = 0; run < DEPLOYMENTS; run++) {
      const { deployment } = await call<ResponseOf<typeof createDeployment>>("POST", "/api/projects/bench/deployments", {});
      for (;;) {
        const row = await knex("deployments").where({ id: deployment.id }).first();
        if (row.finishedAt) {
          latencies.push(row.startedAt.getTime() - row.createdAt.getTime());
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    const startP95 = percentile(latencies, 95);
    console.log(`deployment enqueue -> start, idle worker, ${DEPLOYMENTS} runs: p50 ${percentile(latencies, 50)} ms, p95 ${startP95} ms`);

    const measureList = async () => {
      for (let warm = 0; warm < 20; warm++) await call("GET", "/api/projects");
      const samples: number[] = [];
      for (let request = 0; request < REQUESTS; request++) {
        const started = performance.now();
        await call("GET", "/api/projects");
        samples.push(performance.now() - started);
      }
      return percentile(samples, 95);
    };
    const owner = await knex("users").first();
    // Other users' projects: the platform grows around the user, whose own list stays the same.
    const seed = async (projects: number, appsPerProject: number) => {
      await knex.raw(
        `with other as (insert into users (email, name, password_hash) values ('other-' || gen_random_uuid() || '@example.com', 'Other', 'x') returning id),
              made as (insert into projects (name, owner_id, quota_cpu, quota_memory, quota_pods)
                       select 'seed-' || substr(md5(random()::text), 1, 12) || '-' || n, (select id from other), '1', '1Gi', 10 from generate_series(1, ?) n returning id),
              members as (insert into project_members (project_id, user_id, role) select id, (select id from other), 'owner' from made)
         insert into apps (project_id, name, position, image, resources_cpu, resources_memory)
         select made.id, 'app-' || a, a, 'nginx:1.27', '100m', '128Mi' from made, generate_series(1, ?) a`,
        [projects, appsPerProject],
      );
    };
    await seed(99, 10);
    const small = await measureList();
    await seed(9_900, 10);
    await knex.raw("analyze");
    const counts = await knex.raw("select (select count(*) from projects)::int as projects, (select count(*) from apps)::int as apps");
    const large = await measureList();
    const ratio = large / small;
    console.log(
      `GET /api/projects p95: ${small.toFixed(2)} ms with 100 projects; ${large.toFixed(2)} ms with ${counts.rows[0].projects} projects and ${counts.rows[0].apps} apps; ratio ${ratio.toFixed(2)} (owner ${owner.email})`,
    );
    return [
      { name: "deployment enqueue -> start p95 (idle worker)", value: startP95, unit: "ms", target: "<= 100 ms", met: startP95 <= 100 },
      { name: "GET /api/projects p95, 10,000 vs 100 projects", value: ratio, unit: "x", target: "<= 2", met: ratio <= 2 },
    ];
  } finally {
    await knex.destroy();
  }
}
