/**
 * Portal figures, each against a baseline measured in the same run:
 * - authenticated GET /api/me at 50 connections vs a bare Koa route with the same JSON (target >= 0.5);
 * - logins per second vs raw bcrypt.compare per second at the same cost and concurrency (target >= 0.8);
 * - p99 of /api/health while 20 logins run at once (target < 50 ms: bcrypt must not block the event loop).
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import bcrypt from "bcrypt";
import type { BenchResult } from "./measure.js";

const DURATION_S = 5;

export interface Servers {
  portal: string;
  bare: string;
  email: string;
  password: string;
  bcryptRounds: number;
  databaseUrl: string;
}

/** `env` reaches the portal's configuration (e.g. PROMETHEUS_URL). `stop` resolves once the servers have exited. */
export function startServers(env: Record<string, string> = {}): Promise<{ servers: Servers; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ["--conditions=@babyhelm/source", "--import", "tsx", fileURLToPath(new URL("./portal-server.ts", import.meta.url))], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, BENCH_PORTAL_ENV: JSON.stringify(env) },
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    return exited;
  };
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the bench servers exited with ${code}`)));
    createInterface({ input: child.stdout! }).once("line", (line) => resolve({ servers: JSON.parse(line) as Servers, stop }));
  });
}

function load(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => autocannon({ duration: DURATION_S, ...options }, (error, result) => (error ? reject(error) : resolve(result))));
}

export async function login(servers: Servers): Promise<Response> {
  return fetch(`${servers.portal}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: servers.email, password: servers.password }),
  });
}

/** One call of the portal's API; the answer is taken to be `Answer` (the SDK's `ResponseOf<typeof endpoint>`), not checked. */
export type PortalCall = <Answer = unknown>(method: string, path: string, body?: unknown) => Promise<Answer>;

/** A JSON client of the bench portal, logged in as its user; 4xx and 5xx answers throw. */
export async function portalCall(servers: Servers): Promise<PortalCall> {
  const cookie = (await login(servers)).headers.getSetCookie()[0]!.split(";")[0]!;
  return async <Answer>(method: string, path: string, body?: unknown): Promise<Answer> => {
    const response = await fetch(`${servers.portal}${path}`, {
      method,
      headers: { cookie, ...(method === "GET" ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status >= 400) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as Answer;
  };
}

/** Runs `task` on `concurrency` loops for `seconds`; returns completions per second. */
async function perSecond(concurrency: number, seconds: number, task: () => Promise<unknown>): Promise<number> {
  const deadline = performance.now() + seconds * 1000;
  let done = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        await task();
        done++;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

export async function benchPortal(servers: Servers): Promise<BenchResult[]> {
  {
    const cookie = (await login(servers)).headers.getSetCookie()[0]!.split(";")[0]!;

    // Alternating rounds, ratio per round, median: a noisy neighbour slows one round, not the result.
    await load({ url: `${servers.bare}/`, connections: 50, duration: 1 });
    await load({ url: `${servers.portal}/api/me`, connections: 50, duration: 1, headers: { cookie } });
    const rounds: { bare: number; me: number; p99: number }[] = [];
    for (let round = 0; round < 3; round++) {
      const bare = await load({ url: `${servers.bare}/`, connections: 50, duration: 3 });
      const me = await load({ url: `${servers.portal}/api/me`, connections: 50, duration: 3, headers: { cookie } });
      if (me.non2xx > 0) throw new Error(`GET /api/me answered ${me.non2xx} non-2xx responses`);
      rounds.push({ bare: bare.requests.average, me: me.requests.average, p99: me.latency.p99 });
    }
    const ratios = rounds.map((round) => round.me / round.bare).sort((a, b) => a - b);
    const meRatio = ratios[1]!;
    for (const [index, round] of rounds.entries()) {
      console.log(
        `GET /api/me, 50 connections, round ${index + 1}: ${round.me.toFixed(0)} req/s (p99 ${round.p99} ms); bare Koa: ${round.bare.toFixed(0)} req/s; ratio ${(round.me / round.bare).toFixed(2)}`,
      );
    }
    console.log(`GET /api/me vs bare Koa: median ratio ${meRatio.toFixed(2)}`);

    // Same cost, same concurrency as the login loop below; bcrypt runs on libuv's pool in both cases.
    const hash = await bcrypt.hash(servers.password, servers.bcryptRounds);
    const concurrency = 4;
    const raw = await perSecond(concurrency, DURATION_S, () => bcrypt.compare(servers.password, hash));
    const logins = await perSecond(concurrency, DURATION_S, async () => {
      const response = await login(servers);
      if (response.status !== 200) throw new Error(`login answered ${response.status}`);
    });
    const loginRatio = logins / raw;
    console.log(
      `logins at cost ${servers.bcryptRounds}, ${concurrency} at a time: ${logins.toFixed(1)}/s; raw bcrypt.compare: ${raw.toFixed(1)}/s; ratio ${loginRatio.toFixed(2)}`,
    );

    let stopLogins = false;
    const background = Array.from({ length: 20 }, async () => {
      while (!stopLogins) await login(servers);
    });
    const health = await load({ url: `${servers.portal}/api/health`, connections: 1 });
    stopLogins = true;
    await Promise.all(background);
    console.log(`/api/health while 20 logins run: p50 ${health.latency.p50} ms, p99 ${health.latency.p99} ms, ${health.requests.total} requests`);

    return [
      { name: "GET /api/me vs bare Koa (req/s)", value: meRatio, unit: "x", target: ">= 0.5", met: meRatio >= 0.5 },
      { name: "logins/s vs raw bcrypt.compare/s", value: loginRatio, unit: "x", target: ">= 0.8", met: loginRatio >= 0.8 },
      { name: "p99 /api/health during 20 logins", value: health.latency.p99, unit: "ms", target: "< 50 ms", met: health.latency.p99 < 50 },
    ];
  }
}
