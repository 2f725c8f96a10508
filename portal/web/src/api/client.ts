/**
 * The one HTTP client of the web app: the portal's typed client (`client.call(endpoints.getProject, …)`,
 * types from the API contract in `@babyhelm/sdk/api`) over axios, same-origin JSON under /api, the session
 * cookie sent by the browser. The axios instance's interceptors are named so the pipeline reads in order:
 * every state-changing request declares JSON (the API refuses anything else, which keeps cross-site forms
 * out), and every error becomes an ApiError.
 */
import { PortalClient, type ApiRequest, type Transport } from "@babyhelm/sdk/api";
import axios, { AxiosError, type AxiosInstance, type AxiosRequestConfig, type InternalAxiosRequestConfig } from "axios";
import { ApiError } from "./errors.js";

export const api = axios.create({ baseURL: "/api", withCredentials: true, timeout: 30_000 });

const STATE_CHANGING = new Set(["post", "put", "patch", "delete"]);

function declareJson(config: InternalAxiosRequestConfig): InternalAxiosRequestConfig {
  if (STATE_CHANGING.has((config.method ?? "get").toLowerCase())) {
    // axios drops Content-Type when there is no body; the API wants it on every state-changing request.
    if (config.data === undefined) config.data = {};
    config.headers.set("Content-Type", "application/json");
  }
  return config;
}

let unauthenticatedHandler: () => void = () => {};

/** Called when the session has ended under the app's feet (expired, logged out elsewhere). */
export function onUnauthenticated(handler: () => void): void {
  unauthenticatedHandler = handler;
}

/** For the few requests that cannot go through axios (streamed answers): a 401 there means the same. */
export function reportUnauthenticated(): void {
  unauthenticatedHandler();
}

function toApiError(error: unknown): Promise<never> {
  const apiError = ApiError.from(error as AxiosError);
  const url = (error as AxiosError).config?.url ?? "";
  if (apiError.status === 401 && url !== "/me" && !url.startsWith("/auth/")) unauthenticatedHandler();
  return Promise.reject(apiError);
}

api.interceptors.request.use(declareJson);
api.interceptors.response.use((response) => response, toApiError);

/** The contract's paths are the API's own (`/api/projects/{name}`); the instance's baseURL is /api already. */
const API_PREFIX = "/api";
function withinBase(path: string): string {
  return path.startsWith(`${API_PREFIX}/`) ? path.slice(API_PREFIX.length) : path;
}

/** How each kind of answer is read: JSON as axios parses it, text as it came, bytes as an ArrayBuffer. */
function responseOptions(accept: ApiRequest["accept"]): AxiosRequestConfig {
  if (accept === "text") return { responseType: "text", transformResponse: (data: unknown) => data };
  if (accept === "bytes") return { responseType: "arraybuffer" };
  return {};
}

/**
 * A transport of the typed client over an axios instance, so its interceptors run for every call; errors
 * are theirs (ApiError). `signal` cancels every request of the client built on it.
 */
export function axiosTransport(instance: AxiosInstance, options: { signal?: AbortSignal } = {}): Transport {
  return async (request) => {
    const response = await instance.request({
      method: request.method,
      url: withinBase(request.path),
      params: request.query,
      data: request.body,
      signal: options.signal,
      ...responseOptions(request.accept),
    });
    if (response.status === 204) return { status: 204, body: undefined };
    return { status: response.status, body: request.accept === "bytes" ? new Uint8Array(response.data as ArrayBuffer) : response.data };
  };
}

/** Every call of the web app: `client.call(endpoints.x, { params, query, body })`. */
export const client = new PortalClient(axiosTransport(api));

/** The same client for a request that may be abandoned (a poll, a page left): `signal` cancels it. */
export function abortable(signal: AbortSignal | undefined): PortalClient {
  return signal ? new PortalClient(axiosTransport(api, { signal })) : client;
}
