import type { FieldProblem } from "@babyhelm/sdk/api";
import type { AxiosError } from "axios";

/** An error as the API reports it: a stable code, a sentence for people, and problems by field. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown = undefined,
  ) {
    super(message);
    this.name = "ApiError";
  }

  /** Problems by field path (`email`, `quota.cpu`, `apps[0].image`), for showing beside the fields. */
  get fields(): Record<string, string> {
    if (!Array.isArray(this.details)) return {};
    return Object.fromEntries((this.details as FieldProblem[]).filter((problem) => typeof problem?.path === "string").map((problem) => [problem.path, problem.message]));
  }

  static from(error: AxiosError): ApiError {
    const body = error.response?.data as { error?: { code?: string; message?: string; details?: unknown } } | undefined;
    if (error.response && body?.error?.code) {
      return new ApiError(error.response.status, body.error.code, body.error.message ?? "Something went wrong.", body.error.details);
    }
    if (error.response) return new ApiError(error.response.status, "http_error", `The portal answered ${error.response.status}.`);
    return new ApiError(0, "network_error", "The portal cannot be reached. Check your connection and try again.");
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof ApiError ? error.message : "Something went wrong.";
}
