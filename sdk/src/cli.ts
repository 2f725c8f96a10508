/**
 * The `babyhelm` command: validate a ProjectSpec, or render the exact Kubernetes manifests of a project
 * offline; the portal commands (login, apply, deploy, ...) live in portal-cli/, one module each.
 * Exit codes: 0 success, 1 invalid spec, unreadable input or an API error, 2 wrong usage.
 */
import { parseArgs } from "node:util";
import type { PlatformOptions } from "./platform.js";
import { secretChecksumKeyProblem } from "./app/secret-checksum.js";
import { PORTAL_COMMANDS, portalUsage, runPortalCli } from "./portal-cli/index.js";
import { readSpecFile } from "./portal-cli/spec-file.js";
import { renderProject } from "./render/render.js";
import { renderProjectYaml } from "./render/yaml.js";
import { ProjectSpecError } from "./spec/errors.js";
import { parseProjectSpecText } from "./spec/parse.js";

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readStdin: () => Promise<string>;
  version: string;
  /**
   * What the portal commands read (BABYHELM_URL, BABYHELM_TOKEN, HOME, XDG_CONFIG_HOME, BABYHELM_SECRET_*), and
   * render the variable `--secret-checksum-key-env` names; default process.env.
   */
  env?: Record<string, string | undefined>;
  /** What relative paths of the portal commands are resolved against; default process.cwd(). */
  cwd?: string;
  /** Asks a yes-or-no question at the terminal; absent when there is none to ask at (apply then needs --yes). */
  confirm?: (question: string) => Promise<boolean>;
  /** How the portal commands make requests; default the global fetch. */
  fetch?: typeof fetch;
}

const USAGE = `Usage:
  babyhelm validate -f FILE                 check a project spec (YAML or JSON; "-" reads standard input)
  babyhelm render -f FILE [--show-secrets]  print the project's Kubernetes manifests as YAML

Options:
  -f, --file FILE              the spec file, or "-" for standard input
      --show-secrets           print Secret values instead of masking them (render)
      --secret-checksum-key-env VAR  key the babyhelm.io/secret-env-checksum annotation with the value of
                               the environment variable VAR, as a deploy with that key does (render);
                               without it the annotation is the placeholder "unkeyed"
      --ingress-class NAME     IngressClass of public apps' domains (default "nginx")
      --private-ingress-class NAME  IngressClass of private apps' domains (default "nginx-internal")
      --tls-issuer NAME        cert-manager ClusterIssuer for domains; "" for none (default "letsencrypt")
      --ingress-namespace NS   namespace of the ingress controller (default "ingress-nginx")
      --private-ingress-namespace NS  namespace of the private ingress controller (default: --ingress-namespace)
      --monitoring-namespace NS  namespace of Prometheus and Grafana (default "monitoring")
  -h, --help                   show this help
  -v, --version                show the version

${portalUsage()}
Exit status: 0 success, 1 invalid spec, unreadable file or an error the portal answered, 2 wrong usage.
`;

const EXIT_OK = 0;
const EXIT_INVALID = 1;
const EXIT_USAGE = 2;

class UsageError extends Error {}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  if (argv[0] !== undefined && PORTAL_COMMANDS.includes(argv[0])) return await runPortalCli(argv, io);
  let command: string | undefined;
  let options: ReturnType<typeof parseCliArgs>;
  try {
    options = parseCliArgs(argv);
    command = options.positionals[0];
    if (options.values.help) {
      io.stdout(USAGE);
      return EXIT_OK;
    }
    if (options.values.version) {
      io.stdout(`${io.version}\n`);
      return EXIT_OK;
    }
    if (command !== "validate" && command !== "render") {
      throw new UsageError(command ? `unknown command "${command}"` : "missing command");
    }
    if (options.positionals.length > 1) throw new UsageError(`unexpected argument "${options.positionals[1]}"`);
    if (options.values.file === undefined) throw new UsageError(`${command} needs -f FILE (or -f - for standard input)`);
    if (command === "validate" && options.values["show-secrets"]) throw new UsageError("--show-secrets only applies to render");
    if (command === "validate" && options.values["secret-checksum-key-env"] !== undefined) throw new UsageError("--secret-checksum-key-env only applies to render");
  } catch (error) {
    io.stderr(`babyhelm: ${(error as Error).message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }

  const file = options.values.file;
  const source = file === "-" ? "<stdin>" : file;
  try {
    const platform = platformFromFlags(options.values);
    const text = file === "-" ? await io.readStdin() : await readSpecFile(file);
    const spec = parseProjectSpecText(text, source);
    if (command === "validate") {
      const objects = await renderProject(spec, { platform });
      const apps = spec.apps.length === 1 ? "1 app" : `${spec.apps.length} apps`;
      io.stdout(`${source}: project "${spec.name}" is valid (${apps}, ${objects.length} Kubernetes objects)\n`);
    } else {
      const secretChecksumKey = secretChecksumKeyFromEnv(options.values["secret-checksum-key-env"], io.env ?? process.env);
      io.stdout(await renderProjectYaml(spec, { platform, secretChecksumKey, showSecrets: options.values["show-secrets"] === true }));
    }
    return EXIT_OK;
  } catch (error) {
    if (error instanceof ProjectSpecError) {
      io.stderr(error.issues.map((issue) => `${source}: ${issue.path}: ${issue.message}\n`).join(""));
    } else {
      io.stderr(`babyhelm: ${(error as Error).message}\n`);
    }
    return EXIT_INVALID;
  }
}

function parseCliArgs(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        file: { type: "string", short: "f" },
        "show-secrets": { type: "boolean" },
        "secret-checksum-key-env": { type: "string" },
        "ingress-class": { type: "string" },
        "private-ingress-class": { type: "string" },
        "tls-issuer": { type: "string" },
        "ingress-namespace": { type: "string" },
        "private-ingress-namespace": { type: "string" },
        "monitoring-namespace": { type: "string" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "v" },
      },
    });
  } catch (error) {
    // node:util's messages mention its own API ("To specify an option argument..."); keep the first sentence.
    throw new UsageError((error as Error).message.split(/\.\s/)[0]!.replace(/\.$/, ""));
  }
}

/** The key in the variable `--secret-checksum-key-env` names (never the key itself on the command line, which `ps` shows). */
function secretChecksumKeyFromEnv(variable: string | undefined, env: Record<string, string | undefined>): string | undefined {
  if (variable === undefined) return undefined;
  const key = env[variable];
  if (key === undefined || key === "") throw new Error(`--secret-checksum-key-env ${variable}: the environment variable ${variable} is not set`);
  const problem = secretChecksumKeyProblem(key);
  if (problem) throw new Error(`--secret-checksum-key-env ${variable}: the key ${problem}`);
  return key;
}

function platformFromFlags(values: Record<string, string | boolean | undefined>): PlatformOptions {
  const text = (key: string) => (typeof values[key] === "string" ? (values[key] as string) : undefined);
  return {
    ingressClassName: text("ingress-class"),
    privateIngressClassName: text("private-ingress-class"),
    tlsClusterIssuer: text("tls-issuer"),
    ingressNamespace: text("ingress-namespace"),
    privateIngressNamespace: text("private-ingress-namespace"),
    monitoringNamespace: text("monitoring-namespace"),
  };
}
