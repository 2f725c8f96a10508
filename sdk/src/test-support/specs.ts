import type { ProjectSpecInput } from "../spec/schema.js";

export const MINIMAL_SPEC: ProjectSpecInput = { name: "shop" };

/** Uses every optional field of DESIGN.md §3 at least once. */
export const EVERY_FIELD_SPEC: ProjectSpecInput = {
  name: "shop",
  displayName: "Shop",
  owner: "alice@example.com",
  quota: { cpu: "4", memory: "8Gi", pods: 30 },
  apps: [
    {
      name: "web",
      image: "nginx:1.27",
      port: 80,
      replicas: 2,
      command: ["nginx"],
      args: ["-g", "daemon off;"],
      env: { LOG_LEVEL: "info" },
      secretEnv: { API_KEY: "s3cr3t-value" },
      resources: { cpu: "250m", memory: "256Mi" },
      healthCheck: { path: "/healthz" },
      domain: "shop.example.com",
      visibility: "private",
    },
    { name: "api", image: "ghcr.io/acme/api:v2", port: 8080, autoscale: { min: 2, max: 10, cpuPercent: 70 } },
    { name: "worker", image: "busybox:1.36", command: ["sh", "-c", "sleep infinity"] },
  ],
  monitoring: { dashboard: true },
};

/** A spec with `count` apps, each with a port, env, a secret and a domain: the render benchmark's load. */
export function specWithApps(count: number): ProjectSpecInput {
  return {
    name: "bench",
    quota: { cpu: String(count), memory: `${count}Gi`, pods: 1000 },
    apps: Array.from({ length: count }, (_, index) => ({
      name: `app-${index}`,
      image: `ghcr.io/acme/app-${index}:1.0.${index}`,
      port: 8080,
      replicas: index % 3 === 0 ? 2 : 1,
      env: { LOG_LEVEL: "info", APP_INDEX: String(index) },
      secretEnv: { DATABASE_URL: `postgres://app${index}:secret@db/app${index}` },
      resources: { cpu: "250m", memory: "256Mi" },
      healthCheck: { path: "/healthz" },
      domain: `app-${index}.example.com`,
    })),
  };
}
