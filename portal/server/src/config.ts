/**
 * The portal's configuration: read from the environment once, at start, and checked with zod. Every
 * problem is listed at once. Nothing else in the portal reads `process.env`.
 *
 * Secrets left unset on a development machine are generated once into `<DATA_DIR>/secrets.json` and reused,
 * so `npm start` needs no set-up; a production start (`NODE_ENV=production`) refuses to run without them.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { URL } from "node:url";
import { z } from "zod";
import { resolvePlatformOptions, type PlatformOptions } from "@babyhelm/sdk";
import { PARSE_OPTIONS } from "@babyhelm/sdk/spec";
import { toolchainHome } from "../../../toolchain/tools.mjs";

export type Environment = "development" | "production" | "test";

export interface Config {
  env: Environment;
  port: number;
  host: string;
  /** Absolute path of the data directory: embedded PostgreSQL, dev outbox, generated secrets, Pulumi state. */
  dataDir: string;
  /** PostgreSQL connection string; undefined means the embedded PostgreSQL in the data directory. */
  databaseUrl?: string;
  /** SMTP server for mail; undefined means the dev outbox (`<dataDir>/outbox/*.eml`). */
  smtpUrl?: string;
  mailFrom: string;
  /** Where users reach the portal; links in e-mails point here. Over https, cookies are `Secure`. */
  publicUrl: string;
  /** How many reverse proxies (ingress, load balancer) stand in front; their X-Forwarded-* headers are trusted. */
  trustProxy: number;
  /** Keys the hashes of session, e-mail and API tokens (a pepper: a database dump alone cannot be used). */
  sessionSecret: string;
  /** 32 bytes; encrypts app secrets at rest. */
  secretsKey: Buffer;
  bcryptRounds: number;
  prometheusUrl?: string;
  grafanaUrl?: string;
  pulumi: {
    /** PULUMI_CLI_PATH; unset: `pulumi` on PATH, else the CLI `npm run toolchain` built. */
    cliPath?: string;
    backendUrl?: string;
    passphrase?: string;
    /** PULUMI_HOME (plugins); unset with the toolchain's CLI: the toolchain's, where its provider is installed. */
    home?: string;
    /** Where `npm run toolchain` keeps what it built (BABYHELM_TOOLCHAIN_HOME, default ~/.cache/babyhelm/toolchain). */
    toolchainHome: string;
  };
  kubeconfig?: string;
  /** How often every deployed project's health is read for alerts; 0: never. */
  healthWatchIntervalMs: number;
  /** How the cluster around projects is set up (ingress classes, namespaces): what every render and deploy uses. */
  platform: PlatformOptions;
  drift: {
    /** How often each deployed project is compared with its cluster (a refresh-preview); 0: only on demand. */
    intervalMs: number;
    /** Drift checks running at once, platform-wide (each project's own queue runs one thing at a time anyway). */
    concurrency: number;
  };
  /** How often projects past their `expiresAt` (and those a day before it) are looked for; 0: never. */
  expiryCheckIntervalMs: number;
  deploy: {
    /** `pulumi`, or `mock`: the test engine, which runs the project program under Pulumi's mock runtime. */
    engine: "pulumi" | "mock";
    /** The test engine's pause per resource, to make its runs observable. */
    mockStepMs: number;
    /** Deployments (of different projects) this process runs at once. */
    concurrency: number;
    /** A running deployment whose heartbeat is older than this was interrupted. */
    staleAfterMs: number;
    /** A deployment still running after this long is cancelled. */
    timeoutMs: number;
  };
  /** Normalised e-mail addresses of platform admins (besides the first user). */
  adminEmails: string[];
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  ${problem}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === "" ? undefined : value.trim()));

const url = (protocols: string[], example: string) =>
  optionalText.refine((value) => value === undefined || (URL.canParse(value) && protocols.includes(new URL(value).protocol)), { message: `must be a URL such as ${example}` });

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z
    .string()
    .regex(/^\d{1,5}$/, { message: "must be a port number from 0 to 65535" })
    .transform(Number)
    .refine((port) => port <= 65535, { message: "must be a port number from 0 to 65535" })
    .default(8080),
  TRUST_PROXY: z
    .string()
    .regex(/^\d{1,2}$/, { message: "must be the number of proxies in front of the portal, such as 1" })
    .transform(Number)
    .default(0),
  HOST: optionalText,
  DATA_DIR: z.string().min(1).default(".data"),
  DATABASE_URL: url(["postgres:", "postgresql:"], "postgres://user:password@host:5432/babyhelm"),
  SMTP_URL: url(["smtp:", "smtps:"], "smtp://user:password@mail.example.com:587"),
  MAIL_FROM: z.string().min(3).default("BabyHelm <no-reply@babyhelm.localhost>"),
  PUBLIC_URL: url(["http:", "https:"], "https://portal.example.com"),
  SESSION_SECRET: optionalText.refine((value) => value === undefined || value.length >= 32, { message: "must be at least 32 characters long" }),
  SECRETS_KEY: optionalText.refine((value) => value === undefined || Buffer.from(value, "base64").length === 32, {
    message: "must be 32 bytes in base64, e.g. the output of `openssl rand -base64 32`",
  }),
  BCRYPT_ROUNDS: z.coerce.number().int().min(4).max(15).default(12),
  PROMETHEUS_URL: url(["http:", "https:"], "http://prometheus.monitoring:9090"),
  GRAFANA_URL: url(["http:", "https:"], "https://grafana.example.com"),
  PULUMI_CLI_PATH: optionalText,
  PULUMI_BACKEND_URL: optionalText,
  PULUMI_CONFIG_PASSPHRASE: optionalText,
  PULUMI_HOME: optionalText,
  BABYHELM_TOOLCHAIN_HOME: optionalText,
  KUBECONFIG: optionalText,
  ADMIN_EMAILS: optionalText,
  WORKER_CONCURRENCY: z
    .string()
    .regex(/^\d{1,3}$/, { message: "must be a whole number such as 2" })
    .transform(Number)
    .refine((value) => value >= 1, { message: "must be at least 1" })
    .default(2),
  DEPLOY_ENGINE: z.enum(["pulumi", "mock"], { message: 'must be "pulumi" or "mock" (the test engine)' }).default("pulumi"),
  MOCK_ENGINE_STEP_MS: z
    .string()
    .regex(/^\d{1,6}$/, { message: "must be a number of milliseconds" })
    .transform(Number)
    .default(0),
  DEPLOY_STALE_AFTER_MS: z
    .string()
    .regex(/^\d{3,9}$/, { message: "must be a number of milliseconds, at least 100" })
    .transform(Number)
    .default(30_000),
  DEPLOY_TIMEOUT_MS: z
    .string()
    .regex(/^\d{4,9}$/, { message: "must be a number of milliseconds, at least 1000" })
    .transform(Number)
    .default(3_600_000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  HEALTH_WATCH_INTERVAL_MS: z
    .string()
    .regex(/^\d{1,9}$/, { message: "must be a number of milliseconds (0 turns health alerts off)" })
    .transform(Number)
    .default(30_000),
  DRIFT_CHECK_INTERVAL_MS: z
    .string()
    .regex(/^\d{1,10}$/, { message: "must be a number of milliseconds (0: drift is only checked on demand)" })
    .transform(Number)
    .default(3_600_000),
  DRIFT_CONCURRENCY: z
    .string()
    .regex(/^\d{1,2}$/, { message: "must be a whole number such as 2" })
    .transform(Number)
    .refine((value) => value >= 1, { message: "must be at least 1" })
    .default(2),
  EXPIRY_CHECK_INTERVAL_MS: z
    .string()
    .regex(/^\d{1,9}$/, { message: "must be a number of milliseconds (0 turns expiry off)" })
    .transform(Number)
    .default(60_000),
  PLATFORM_INGRESS_NAMESPACE: optionalText,
  PLATFORM_MONITORING_NAMESPACE: optionalText,
  PLATFORM_INGRESS_CLASS: optionalText,
  PLATFORM_PRIVATE_INGRESS_CLASS: optionalText,
  PLATFORM_PRIVATE_INGRESS_NAMESPACE: optionalText,
  PLATFORM_TLS_CLUSTER_ISSUER: z.string().optional(),
});

/** The environment variable of each platform option. */
const PLATFORM_VARIABLES: Partial<Record<keyof PlatformOptions, string>> = {
  ingressNamespace: "PLATFORM_INGRESS_NAMESPACE",
  monitoringNamespace: "PLATFORM_MONITORING_NAMESPACE",
  ingressClassName: "PLATFORM_INGRESS_CLASS",
  privateIngressClassName: "PLATFORM_PRIVATE_INGRESS_CLASS",
  privateIngressNamespace: "PLATFORM_PRIVATE_INGRESS_NAMESPACE",
  tlsClusterIssuer: "PLATFORM_TLS_CLUSTER_ISSUER",
};

interface GeneratedSecrets {
  sessionSecret: string;
  secretsKey: string;
  pulumiPassphrase: string;
}

/** Development secrets, generated once per data directory and kept next to the data they protect. */
function developmentSecrets(dataDir: string): GeneratedSecrets {
  const file = join(dataDir, "secrets.json");
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as GeneratedSecrets;
  const secrets: GeneratedSecrets = {
    sessionSecret: randomBytes(32).toString("base64url"),
    secretsKey: randomBytes(32).toString("base64"),
    pulumiPassphrase: randomBytes(24).toString("base64url"),
  };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return secrets;
}

/** Reads and checks the environment; throws a ConfigError listing every problem. */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  // In the house style of every other message (no zod wording), for what a variable's own rule does not word.
  const parsed = envSchema.safeParse(environment, PARSE_OPTIONS);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
  // Checked even when other variables are wrong: every problem is listed at once.
  if (environment.NODE_ENV === "production") {
    for (const name of ["SESSION_SECRET", "SECRETS_KEY", "PUBLIC_URL", "DATABASE_URL", "SMTP_URL", "PULUMI_CONFIG_PASSPHRASE"]) {
      if (!environment[name]?.trim()) problems.push(`${name}: is required in production (NODE_ENV=production)`);
    }
  }
  const adminEmails = (environment.ADMIN_EMAILS ?? "").split(",").map(normaliseEmail).filter(Boolean);
  for (const email of adminEmails) {
    if (!z.email().safeParse(email).success) problems.push(`ADMIN_EMAILS: "${email}" is not an e-mail address`);
  }
  const platform: PlatformOptions = {
    ingressNamespace: parsed.data?.PLATFORM_INGRESS_NAMESPACE,
    monitoringNamespace: parsed.data?.PLATFORM_MONITORING_NAMESPACE,
    ingressClassName: parsed.data?.PLATFORM_INGRESS_CLASS,
    privateIngressClassName: parsed.data?.PLATFORM_PRIVATE_INGRESS_CLASS,
    privateIngressNamespace: parsed.data?.PLATFORM_PRIVATE_INGRESS_NAMESPACE,
    tlsClusterIssuer: parsed.data?.PLATFORM_TLS_CLUSTER_ISSUER?.trim(),
  };
  try {
    resolvePlatformOptions(platform);
  } catch (error) {
    // The SDK names options as `platform.<name>`; here they are environment variables.
    problems.push(
      ...(error as Error).message.split("\n").map((line) => line.replace(/^platform\.(\w+)/, (_, key: string) => PLATFORM_VARIABLES[key as keyof PlatformOptions] ?? key)),
    );
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const env = parsed.data;
  const production = env.NODE_ENV === "production";

  const dataDir = isAbsolute(env.DATA_DIR) ? env.DATA_DIR : resolve(cwd, env.DATA_DIR);
  const generated = production ? undefined : developmentSecrets(dataDir);
  const port = env.PORT;
  return {
    env: env.NODE_ENV,
    port,
    host: env.HOST ?? (production ? "0.0.0.0" : "127.0.0.1"),
    dataDir,
    databaseUrl: env.DATABASE_URL,
    smtpUrl: env.SMTP_URL,
    mailFrom: env.MAIL_FROM,
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, ""),
    trustProxy: env.TRUST_PROXY,
    sessionSecret: env.SESSION_SECRET ?? generated!.sessionSecret,
    secretsKey: Buffer.from(env.SECRETS_KEY ?? generated!.secretsKey, "base64"),
    bcryptRounds: env.BCRYPT_ROUNDS,
    prometheusUrl: env.PROMETHEUS_URL,
    grafanaUrl: env.GRAFANA_URL,
    pulumi: {
      cliPath: env.PULUMI_CLI_PATH,
      backendUrl: env.PULUMI_BACKEND_URL ?? `file://${join(dataDir, "pulumi-state")}`,
      passphrase: env.PULUMI_CONFIG_PASSPHRASE ?? generated?.pulumiPassphrase,
      home: env.PULUMI_HOME,
      toolchainHome: toolchainHome({ BABYHELM_TOOLCHAIN_HOME: env.BABYHELM_TOOLCHAIN_HOME, XDG_CACHE_HOME: environment.XDG_CACHE_HOME }),
    },
    kubeconfig: env.KUBECONFIG,
    deploy: {
      engine: env.DEPLOY_ENGINE,
      mockStepMs: env.MOCK_ENGINE_STEP_MS,
      concurrency: env.WORKER_CONCURRENCY,
      staleAfterMs: env.DEPLOY_STALE_AFTER_MS,
      timeoutMs: env.DEPLOY_TIMEOUT_MS,
    },
    adminEmails,
    logLevel: env.LOG_LEVEL,
    healthWatchIntervalMs: env.HEALTH_WATCH_INTERVAL_MS,
    platform: Object.fromEntries(Object.entries(platform).filter(([, value]) => value !== undefined)) as PlatformOptions,
    drift: { intervalMs: env.DRIFT_CHECK_INTERVAL_MS, concurrency: env.DRIFT_CONCURRENCY },
    expiryCheckIntervalMs: env.EXPIRY_CHECK_INTERVAL_MS,
  };
}
