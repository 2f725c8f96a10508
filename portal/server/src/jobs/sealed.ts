/**
 * Job payloads that would hold something usable (a mail's one-time link, a password hash) are sealed with
 * SECRETS_KEY (AES-256-GCM, secret-box.ts) and opened by their task when it runs: whoever reads the job
 * tables (a backup, a support query, a leaked dump) reads neither. The task's name is the additional
 * data, so a sealed payload copied into another task's job does not open.
 */
import { decryptJson, encryptJson } from "../services/secret-box.js";

/** What a sealed payload looks like in the queue. */
export interface Sealed<T> {
  sealed: string;
  /** Phantom: what it opens to. */
  readonly __opensTo?: T;
}

const context = (task: string) => `job:${task}`;

export function seal<T>(secretsKey: Buffer, task: string, value: T): Sealed<T> {
  return { sealed: encryptJson(secretsKey, value, context(task)) };
}

/**
 * The payload's value. A job queued before payloads were sealed (an upgrade with jobs waiting) holds its
 * value as it is, and is taken as it is.
 */
export function unseal<T>(secretsKey: Buffer, task: string, payload: Sealed<T> | T): T {
  return isSealed(payload) ? decryptJson<T>(secretsKey, payload.sealed, context(task)) : payload;
}

function isSealed<T>(payload: Sealed<T> | T): payload is Sealed<T> {
  return typeof payload === "object" && payload !== null && "sealed" in payload && typeof payload.sealed === "string";
}
