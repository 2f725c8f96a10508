/**
 * An app's logs (GET /api/projects/:name/apps/:app/logs) as server-sent events, read with fetch so a refusal
 * (403 for viewers, 503 without a cluster) arrives as the API's own error, like every other answer.
 */
import { endpoints, fillPath, type LogEndEvent, type LogLineEvent, type LogNoticeEvent, type LogQuery } from "@babyhelm/sdk/api";
import { reportUnauthenticated } from "./client.js";
import { ApiError } from "./errors.js";
import { readEventStream } from "./sse.js";

export type LogStreamEvent = { type: "line"; line: LogLineEvent } | { type: "notice"; notice: LogNoticeEvent } | { type: "end"; end: LogEndEvent };

export function logsUrl(project: string, app: string, query: LogQuery): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  const search = params.toString();
  return `${fillPath(endpoints.getAppLogs.path, { name: project, app })}${search ? `?${search}` : ""}`;
}

async function refusal(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => null)) as { error?: { code?: string; message?: string; details?: unknown } } | null;
  if (body?.error?.code) return new ApiError(response.status, body.error.code, body.error.message ?? "Something went wrong.", body.error.details);
  return new ApiError(response.status, "http_error", `The portal answered ${response.status}.`);
}

/**
 * Resolves when the server closes the stream (after its `end` event, or early if the connection dropped:
 * the caller tells the two apart by whether an `end` came). Rejects with an ApiError when refused.
 */
export async function streamAppLogs(
  project: string,
  app: string,
  query: LogQuery,
  onEvents: (events: LogStreamEvent[]) => void,
  signal: AbortSignal,
  onOpen?: () => void,
): Promise<void> {
  let response: Response;
  try {
    response = await fetch(logsUrl(project, app, query), { headers: { Accept: "text/event-stream" }, credentials: "same-origin", signal });
  } catch (error) {
    if (signal.aborted) throw error;
    throw new ApiError(0, "network_error", "The portal cannot be reached. Check your connection and try again.");
  }
  if (!response.ok) {
    if (response.status === 401) reportUnauthenticated();
    throw await refusal(response);
  }
  if (!response.body) throw new ApiError(response.status, "http_error", "The portal sent no log stream.");
  onOpen?.();
  await readEventStream(response.body, (events) => {
    const parsed: LogStreamEvent[] = [];
    for (const event of events) {
      try {
        const data = JSON.parse(event.data);
        if (event.event === "line") parsed.push({ type: "line", line: data as LogLineEvent });
        else if (event.event === "notice") parsed.push({ type: "notice", notice: data as LogNoticeEvent });
        else if (event.event === "end") parsed.push({ type: "end", end: data as LogEndEvent });
      } catch {
        // A malformed event is dropped rather than ending a stream people are reading.
      }
    }
    if (parsed.length > 0) onEvents(parsed);
  });
}
