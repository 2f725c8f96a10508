/**
 * What the portal and a deployment's engine process say to each other. The request goes in on stdin (it
 * holds secret values: never on the command line or in the environment, which other users can read);
 * progress comes back as one JSON message per line on stdout.
 */
import type { PlatformOptions, ProjectSpec } from "@babyhelm/sdk";
import type { PlanStep } from "./plan.js";

export type EngineName = "pulumi" | "mock";
/** `preview`: what an `up` would do; `drift`: a preview after reading the cluster back (refresh). Neither changes anything. */
export type DeploymentKindName = "up" | "destroy" | "preview" | "drift";

export interface EngineRequest {
  kind: DeploymentKindName;
  engine: EngineName;
  /** The project's full spec, secret values included: the program gets it directly, as Pulumi secrets. */
  spec: ProjectSpec;
  platform?: PlatformOptions;
  /** Keys the pod templates' secret checksum: the project's key, derived from SECRETS_KEY (services/secret-checksum-key.ts). */
  secretChecksumKey?: string;
  /** The stack's own working directory: Automation API workspaces must never be shared (pulumi/pulumi#8186). */
  workDir: string;
  pulumi: { cliPath?: string; backendUrl?: string; passphrase?: string; home?: string; toolchainHome: string; kubeconfig?: string };
  /** An `up` that first reads the cluster back, so changes made outside BabyHelm are undone. */
  refresh?: boolean;
  /** A preview of a project never deployed: remove the (empty) stack it had to create. */
  removeStackAfter?: boolean;
  /** Clear a lock left by the project's previous run, which was killed (cancelled, interrupted). */
  clearLock?: boolean;
  /** The test engine's pause per resource, to make runs observable. */
  mockStepMs?: number;
}

/** Progress a person can read; raw engine events are never stored (their inputs may hold secrets). */
export type ProgressEvent =
  | { kind: "resource"; op: string; type: string; name: string; status: "started" | "done" | "failed" }
  | { kind: "diagnostic"; severity: string; message: string }
  | { kind: "summary"; changes: Record<string, number> };

export type EngineMessage =
  /** Sent before the engine first touches the stack: from then on the stack may exist. */
  | { type: "stack" }
  | { type: "event"; event: ProgressEvent }
  | { type: "output"; line: string }
  | { type: "result"; summary: Record<string, number>; outputs: Record<string, unknown>; plan?: PlanStep[] }
  | { type: "error"; message: string };

export const CLI_MISSING = "Pulumi CLI not found: build it with `npm run toolchain`, install it on PATH, or set PULUMI_CLI_PATH";
