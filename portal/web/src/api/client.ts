/**
 * The one HTTP client of the web app: same-origin JSON under /api, the session cookie sent by the browser.
 * Its interceptors are named so the pipeline reads in order: every state-changing request declares JSON
 * (the API refuses anything else, which keeps cross-site forms out), and every error becomes an ApiError.
 */
import axios, { AxiosError, type InternalAxiosRequestConfig } from "axios";
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
