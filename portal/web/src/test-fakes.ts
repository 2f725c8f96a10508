/**
 * Stand-ins for the portal in specs of what only a cluster could make it say (a crash-looping pod, a stream
 * ended at its limit): answers given to the one axios client through its adapter, so the typed client's
 * transport and the app's interceptors still run, and log streams given to fetch as real ReadableStreams of
 * server-sent events. The fixtures are whole answers of the API contract (`@babyhelm/sdk/api`): a spec
 * names what it is about, the rest is filled in.
 */
import type { App, AppStatus, Deployment, DeploymentSummary, PodStatus, Project, ProjectStatus, Role } from "@babyhelm/sdk/api";
import { AxiosError, type AxiosAdapter, type AxiosResponse, type InternalAxiosRequestConfig } from "axios";
import { afterEach, beforeEach, vi } from "vitest";
import { api } from "./api/client.js";

export interface FakeRequest {
  method: string;
  url: string;
  params: unknown;
  /** The JSON body sent, parsed; undefined without one. */
  body: unknown;
}

export type FakeAnswer = { status?: number; data: unknown } | Promise<{ status?: number; data: unknown }>;

/** Routes "GET /projects/shop/status" and the like to `answer`; an unrouted request answers 404. */
export function fakeApi(answer: (request: FakeRequest) => FakeAnswer | undefined) {
  const requests: FakeRequest[] = [];
  const original = api.defaults.adapter;
  const adapter: AxiosAdapter = async (config: InternalAxiosRequestConfig) => {
    const body = typeof config.data === "string" && config.data !== "" ? (JSON.parse(config.data) as unknown) : config.data;
    const request = { method: (config.method ?? "get").toUpperCase(), url: config.url ?? "", params: config.params, body };
    requests.push(request);
    const given = await (answer(request) ?? { status: 404, data: { error: { code: "not_found", message: `No fake for ${request.method} ${request.url}.` } } });
    const response: AxiosResponse = { data: given.data, status: given.status ?? 200, statusText: "", headers: {}, config };
    if (response.status >= 400) throw new AxiosError(`status ${response.status}`, AxiosError.ERR_BAD_RESPONSE, config, null, response);
    return response;
  };
  api.defaults.adapter = adapter;
  return {
    requests,
    count: (method: string, url: string) => requests.filter((request) => request.method === method && request.url === url).length,
    restore: () => {
      api.defaults.adapter = original;
    },
  };
}

/** A promise with its resolve in hand, to hold an answer back. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

/** EventSource as the deployment view uses it (happy-dom has none): events are sent from the spec. */
export class FakeEventSource {
  static instances: FakeEventSource[] = [];
  readonly listeners = new Map<string, ((event: MessageEvent) => void)[]>();
  closed = false;
  constructor(readonly url: string) {
    FakeEventSource.instances.push(this);
  }
  addEventListener(type: string, listener: (event: MessageEvent) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close() {
    this.closed = true;
  }
  emit(type: string, data: unknown) {
    for (const listener of this.listeners.get(type) ?? []) listener(new MessageEvent(type, { data: JSON.stringify(data) }));
  }
  static install() {
    FakeEventSource.instances = [];
    vi.stubGlobal("EventSource", FakeEventSource);
  }
}

/** One fetched log stream: the spec writes events into it, ends it, or breaks it. */
export interface FakeLogStream {
  url: URL;
  accept: string | null;
  send(event: string, data: unknown): void;
  /** Several events in one chunk, as a busy server writes them. */
  sendMany(events: [string, unknown][]): void;
  close(): void;
  fail(): void;
  aborted: boolean;
}

/**
 * Replaces fetch for the logs URL: each request opens a FakeLogStream (or, when `refuse` says so, an error
 * answer in the API's shape). Other URLs are not expected in these specs and fail loudly.
 */
export function fakeLogStreams(refuse?: (url: URL) => { status: number; code: string; message: string } | undefined) {
  const streams: FakeLogStream[] = [];
  const encoder = new TextEncoder();
  const fetch = vi.fn(async (input: string, init?: RequestInit) => {
    const url = new URL(input, "http://portal.test");
    if (!/\/apps\/[^/]+\/logs$/.test(url.pathname)) throw new Error(`unexpected fetch of ${input}`);
    const refused = refuse?.(url);
    if (refused) {
      return new Response(JSON.stringify({ error: { code: refused.code, message: refused.message } }), { status: refused.status, headers: { "Content-Type": "application/json" } });
    }
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({ start: (given) => void (controller = given) });
    const stream: FakeLogStream = {
      url,
      accept: new Headers(init?.headers).get("Accept"),
      aborted: false,
      send: (event, data) => controller.enqueue(encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)),
      sendMany: (events) => controller.enqueue(encoder.encode(events.map(([event, data]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`).join(""))),
      close: () => controller.close(),
      fail: () => controller.error(new TypeError("network error")),
    };
    init?.signal?.addEventListener("abort", () => {
      stream.aborted = true;
      try {
        controller.error(new DOMException("aborted", "AbortError"));
      } catch {
        // Already closed.
      }
    });
    streams.push(stream);
    return { ok: true, status: 200, body } as unknown as Response;
  });
  vi.stubGlobal("fetch", fetch);
  return { streams, fetch, last: () => streams.at(-1)! };
}

export function pod(overrides: Partial<PodStatus> & { name: string }): PodStatus {
  return { phase: "Running", ready: true, restarts: 0, lastRestartAt: null, node: "kwok-node-0", startedAt: "2030-01-01T10:00:00Z", problem: null, ...overrides };
}

export function appStatus(overrides: Partial<AppStatus> & { name: string }): AppStatus {
  return {
    health: "healthy",
    reason: null,
    replicas: { desired: 1, ready: 1, updated: 1, available: 1 },
    rollout: { state: "complete", reason: null, message: null },
    autoscaler: null,
    ingress: null,
    pods: [pod({ name: `${overrides.name}-5d8c7b-abcde` })],
    events: [],
    ...overrides,
  };
}

export function projectStatus(overrides: Partial<ProjectStatus> = {}): ProjectStatus {
  return { project: "shop", cluster: "connected", deployed: true, health: "healthy", message: null, readAt: new Date().toISOString(), apps: [], quota: null, ...overrides };
}

/**
 * The hooks of specs that mount components over the fake API: the fake EventSource before each test; after
 * it, the mounted component unmounted, the fake API restored and stubbed globals undone.
 */
export function cleanUpMounts(current: () => { wrapper?: { unmount(): void }; fake?: { restore(): void } }): void {
  beforeEach(() => FakeEventSource.install());
  afterEach(() => {
    const { wrapper, fake } = current();
    wrapper?.unmount();
    fake?.restore();
    vi.unstubAllGlobals();
  });
}

const CREATED_AT = "2029-12-01T10:00:00Z";

/** A project as GET /api/projects/:name answers it, deployed, with the given role. */
export function projectFixture(role: Role, overrides: Partial<Project> = {}): Project {
  return {
    name: "shop",
    displayName: "Shop",
    role,
    quota: { cpu: "2", memory: "4Gi", pods: 20 },
    monitoring: { dashboard: false },
    deployed: true,
    expiresAt: null,
    createdAt: CREATED_AT,
    updatedAt: CREATED_AT,
    apps: [],
    lastDeployment: null,
    ...overrides,
  };
}

/** An app of a project as the API answers it; what a spec names, the rest as a new app has it. */
export function appFixture(given: Pick<App, "name" | "image"> & Partial<App>): App {
  return {
    port: null,
    replicas: 1,
    command: null,
    args: null,
    env: {},
    secretEnv: {},
    resources: { cpu: "100m", memory: "128Mi" },
    healthCheck: null,
    domain: null,
    visibility: "public",
    autoscale: null,
    restartedAt: null,
    createdAt: CREATED_AT,
    updatedAt: CREATED_AT,
    ...given,
  };
}

/** A deployment in a project's history as the API answers it: a plain up unless the spec says otherwise. */
export function deploymentFixture(given: Pick<DeploymentSummary, "id" | "kind" | "status" | "createdAt" | "finishedAt"> & Partial<DeploymentSummary>): DeploymentSummary {
  return {
    error: null,
    summary: null,
    outputs: null,
    refresh: false,
    rollbackOf: null,
    upgradeId: null,
    sdkVersion: null,
    manifestsDigest: null,
    startedAt: null,
    ...given,
  };
}

/** One deployment read by its id: the summary with its log and the spec it deployed. */
export function deploymentDetailFixture(given: Parameters<typeof deploymentFixture>[0] & Partial<Deployment>): Deployment {
  return { spec: null, log: "", ...deploymentFixture(given), ...given };
}

/** What the project page asks besides the section a spec is about: no members or alerts, a healthy status, no Prometheus. */
export function projectPageBackground({ method, url }: FakeRequest): FakeAnswer | undefined {
  if (method !== "GET") return undefined;
  if (url === "/projects/shop/members" || url === "/projects/shop/alerts") return { data: { items: [] } };
  if (url === "/projects/shop/status") return { data: projectStatus() };
  if (url === "/projects/shop/metrics") return { status: 503, data: { error: { code: "metrics_not_configured", message: "No Prometheus." } } };
  return undefined;
}
