/**
 * The portal commands of the `babyhelm` CLI end to end against a real portal (the mock deploy engine):
 * in process through runCli with captured output (fast), and as a real process through sdk/bin/babyhelm.js.
 * Every answer the CLI gets is held against the OpenAPI document, and no output ever holds the token or a
 * secret value.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { runCli } from "../../../../sdk/src/cli.js";
import { runBabyhelm } from "../../../../sdk/src/test-support/run-cli.js";
import { tempDir } from "../../../../test/support/temp-dir.js";
import { answerProblems } from "../test-support/openapi-check.js";
import { signUp, startTestPortal, type TestPortal } from "../test-support/portal.js";
import { secretContext } from "../services/project-spec.js";
import { decryptJson } from "../services/secret-box.js";

const FIRST_SECRET = "s3cr3t-from-the-file";
const ROTATED_SECRET = "r0tated-from-the-environment";
const MASK = "********";

let portal: TestPortal;
let cookie: string;
let token: string;
const home = tempDir("cli-home");
const work = tempDir("cli-work");
/** Everything any run printed, to check at the end that no token or secret value ever appears. */
const printed: string[] = [];
const secrets = [FIRST_SECRET, ROTATED_SECRET];
const tokens: string[] = [];
const contractProblems: string[] = [];

/** fetch, with every answer held against the OpenAPI document. */
const checkedFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  const contentType = response.headers.get("content-type") ?? "";
  const json = contentType.includes("json") ? await response.clone().json() : undefined;
  contractProblems.push(...answerProblems({ method: init?.method ?? "GET", path: new URL(String(input)).pathname, status: response.status, contentType, json }));
  return response;
};

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** What a run that failed with exit status 1 printed: nothing on stdout, `stderr` on stderr. */
const failed = (stderr: string): Run => ({ code: 1, stdout: "", stderr });

/** Runs `babyhelm ARGS` in process, with HOME at a scratch dir and only the variables given. */
async function babyhelm(
  args: string[],
  options: { env?: Record<string, string>; stdin?: string; cwd?: string; confirm?: (question: string) => Promise<boolean> } = {},
): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    readStdin: async () => options.stdin ?? "",
    version: "test",
    env: { HOME: home, ...options.env },
    cwd: options.cwd ?? work,
    fetch: checkedFetch,
    ...(options.confirm ? { confirm: options.confirm } : {}),
  });
  printed.push(stdout, stderr);
  return { code, stdout, stderr };
}

/** The same through the real executable. */
async function babyhelmProcess(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("BABYHELM_") && name !== "XDG_CONFIG_HOME"));
  const result = await runBabyhelm(args, { cwd: work, env: { ...inherited, HOME: home, ...env } });
  printed.push(result.stdout, result.stderr);
  return result;
}

async function createToken(body: Record<string, unknown>, session = cookie): Promise<string> {
  const created = await portal.request("POST", "/api/me/tokens", { cookie: session, body });
  expect(created.status, created.text).toBe(201);
  tokens.push(created.json.token.token);
  return created.json.token.token;
}

function writeSpec(name: string, spec: Record<string, unknown>): string {
  writeFileSync(join(work, name), stringify(spec));
  return name;
}

/** The stored secret values of an app, decrypted as a deploy would. */
async function storedSecrets(project: string, app: string): Promise<Record<string, string>> {
  const { id } = await portal.portal.database.knex("projects").where({ name: project }).first();
  const row = await portal.portal.database.knex("apps").where({ projectId: id, name: app }).first();
  return decryptJson(portal.config.secretsKey, row.secretEnvEncrypted, secretContext(id, app));
}

/** A port nothing listens on: one the system just gave out and that was closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const configFile = () => join(home, ".config", "babyhelm", "config.json");

beforeAll(async () => {
  portal = await startTestPortal({ env: { DEPLOY_ENGINE: "mock" } });
  cookie = await signUp(portal, "ci@example.com", "correct horse battery", "Casey Integration");
  token = await createToken({ name: "laptop" });
});
afterAll(async () => {
  await portal?.stop();
});

const shopSpec = (web: Record<string, unknown>, more: Record<string, unknown>[] = [], quota = { cpu: "1", memory: "2Gi", pods: 10 }) => ({
  name: "shop",
  displayName: "Shop",
  quota,
  apps: [{ name: "web", port: 80, secretEnv: { API_KEY: MASK }, ...web }, ...more],
});

describe("babyhelm login", () => {
  it("refuses to run portal commands before it, naming the command and the variables that fix it", async () => {
    const result = await babyhelm(["projects"]);
    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr: "babyhelm projects: no portal configured: run babyhelm login --url URL --token - (the token on standard input), or set BABYHELM_URL and BABYHELM_TOKEN\n",
    });
    expect((await babyhelm(["projects"], { env: { BABYHELM_URL: portal.url } })).stderr).toContain("no token configured: set BABYHELM_TOKEN, or run babyhelm login --token -");
    expect((await babyhelm(["login", "--token", "-"], { stdin: token })).stderr).toContain("login needs the portal's address: pass --url URL");
    expect((await babyhelm(["login", "--url", portal.url])).code).toBe(2);
  });

  it("does not save a token the portal refuses", async () => {
    const result = await babyhelm(["login", "--url", portal.url, "--token", "-"], { stdin: `${token}x\n` });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`babyhelm login: the portal at ${portal.url} refused the token`);
    expect(result.stderr).toContain("Authorization: Bearer bh_... (401 unauthenticated); run babyhelm login with a valid token, or set BABYHELM_TOKEN\n");
    expect(existsSync(configFile())).toBe(false);
  });

  it("checks the token with GET /api/me, says who you are, and saves the URL and token alone, mode 0600", async () => {
    const result = await babyhelm(["login", "--url", `${portal.url}/`, "--token", "-"], { stdin: `${token}\n` });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`Logged in to ${portal.url} as Casey Integration <ci@example.com>.\nSaved the URL and the token in ${configFile()} (mode 0600).\n`);
    expect(statSync(configFile()).mode & 0o777).toBe(0o600);
    expect(statSync(join(home, ".config", "babyhelm")).mode & 0o777).toBe(0o700);
    expect(JSON.parse(readFileSync(configFile(), "utf8"))).toEqual({ url: portal.url, token });
  });

  it("warns when the saved token has become readable by others, and honours XDG_CONFIG_HOME", async () => {
    chmodSync(configFile(), 0o644);
    const loose = await babyhelm(["projects"]);
    expect(loose.stderr).toContain(`holds a token and is readable by others (mode 0644); run chmod 600 ${configFile()}`);
    chmodSync(configFile(), 0o600);
    const xdg = join(home, "xdg");
    mkdirSync(xdg);
    const result = await babyhelm(["login", "--url", portal.url, "--token", "-"], { stdin: token, env: { XDG_CONFIG_HOME: xdg } });
    expect(result.code, result.stderr).toBe(0);
    expect(statSync(join(xdg, "babyhelm", "config.json")).mode & 0o777).toBe(0o600);
  });
});

describe("babyhelm apply", () => {
  it("creates the project and its apps, taking secret values from --secret-env-file and printing only their names", async () => {
    expect((await babyhelm(["projects"])).stdout).toBe("No projects yet: create one with babyhelm apply -f spec.yaml, or on the portal.\n");
    const spec = writeSpec("spec.yaml", shopSpec({ image: "nginx:1.25" }, [{ name: "worker", image: "busybox:1.36", command: ["sleep", "infinity"] }]));
    writeFileSync(join(work, "secrets.env"), `# the shop's secrets\nweb.API_KEY=${FIRST_SECRET}\n`);
    const result = await babyhelm(["apply", "-f", spec, "--secret-env-file", "secrets.env", "--yes"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(
      [
        `Plan for project shop on ${portal.url} (3 changes):`,
        '  + project shop: displayName "Shop"; quota cpu 1, memory 2Gi, pods 10; dashboard on',
        '  + app web: image "nginx:1.25"; port 80; replicas 1; resources {"cpu":"100m","memory":"128Mi"}; secretEnv.API_KEY set (value from secrets.env line 2)',
        '  + app worker: image "busybox:1.36"; replicas 1; command ["sleep","infinity"]; resources {"cpu":"100m","memory":"128Mi"}',
        "Applied 3 changes to shop. Deploy with: babyhelm deploy shop --wait",
        "",
      ].join("\n"),
    );
    const project = (await portal.request("GET", "/api/projects/shop", { cookie })).json.project;
    expect(project).toMatchObject({ displayName: "Shop", quota: { cpu: "1", memory: "2Gi", pods: 10 } });
    expect(project.apps.map((app: { name: string; image: string }) => [app.name, app.image])).toEqual([
      ["web", "nginx:1.25"],
      ["worker", "busybox:1.36"],
    ]);
    expect(await storedSecrets("shop", "web")).toEqual({ API_KEY: FIRST_SECRET });

    const again = await babyhelm(["apply", "-f", spec, "--yes"]);
    expect(again).toEqual({ code: 0, stdout: `Project shop on ${portal.url} already matches spec.yaml: nothing to change.\n`, stderr: "" });
    const listed = await babyhelm(["projects"]);
    expect(listed.stdout).toMatch(/^NAME {2}ROLE {3}APPS {2}LAST DEPLOYMENT\nshop {2}owner {2}2 {5}never deployed\n$/);
  });

  it("changes what differs (image, env, a secret from the environment, the quota) and keeps what it is not told", async () => {
    const spec = writeSpec(
      "spec.yaml",
      shopSpec({ image: "nginx:1.26", env: { LOG_LEVEL: "debug" } }, [{ name: "worker", image: "busybox:1.36", command: ["sleep", "infinity"] }], {
        cpu: "1",
        memory: "3Gi",
        pods: 10,
      }),
    );
    const result = await babyhelm(["apply", "-f", spec, "--yes"], { env: { BABYHELM_SECRET_WEB_API_KEY: ROTATED_SECRET } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('  ~ project shop: quota.memory "2Gi" -> "3Gi"\n');
    expect(result.stdout).toContain(
      '  ~ app web: image "nginx:1.25" -> "nginx:1.26"; env.LOG_LEVEL (none) -> "debug"; secretEnv.API_KEY set again (value from BABYHELM_SECRET_WEB_API_KEY)\n',
    );
    expect(result.stdout).toContain("Applied 2 changes to shop.");
    expect(await storedSecrets("shop", "web")).toEqual({ API_KEY: ROTATED_SECRET });
    const web = (await portal.request("GET", "/api/projects/shop/apps/web", { cookie })).json.app;
    expect(web).toMatchObject({ image: "nginx:1.26", env: { LOG_LEVEL: "debug" }, secretEnv: { API_KEY: MASK } });

    // Without a value the portal keeps the one it holds.
    expect((await babyhelm(["apply", "-f", spec, "--yes"])).stdout).toContain("already matches");
    expect(await storedSecrets("shop", "web")).toEqual({ API_KEY: ROTATED_SECRET });
  });

  it("keeps apps that are not in the file unless --prune, which deletes them", async () => {
    const spec = writeSpec("spec.yaml", shopSpec({ image: "nginx:1.26", env: { LOG_LEVEL: "debug" } }, [], { cpu: "1", memory: "3Gi", pods: 10 }));
    const kept = await babyhelm(["apply", "-f", spec, "--yes"]);
    expect(kept.stdout).toBe(
      `note: app worker is not in spec.yaml and stays; pass --prune to delete it\nProject shop on ${portal.url} already matches spec.yaml: nothing to change.\n`,
    );
    const pruned = await babyhelm(["apply", "-f", spec, "--prune", "--yes"]);
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(pruned.stdout).toContain("  - app worker (not in spec.yaml; --prune)\n");
    expect((await portal.request("GET", "/api/projects/shop/apps", { cookie })).json.items.map((app: { name: string }) => app.name)).toEqual(["web"]);
  });

  it("changes nothing without --yes when it cannot ask, or when the answer is no", async () => {
    const spec = writeSpec("other.yaml", shopSpec({ image: "nginx:1.26", env: { LOG_LEVEL: "info" } }, [], { cpu: "1", memory: "3Gi", pods: 10 }));
    const unasked = await babyhelm(["apply", "-f", spec]);
    expect(unasked.code).toBe(2);
    expect(unasked.stdout).toContain('  ~ app web: env.LOG_LEVEL "debug" -> "info"\n');
    expect(unasked.stderr).toBe(
      "babyhelm apply: apply changes nothing without --yes when it cannot ask (standard input is not a terminal): check the plan above, then run it again with --yes\n",
    );
    const questions: string[] = [];
    const declined = await babyhelm(["apply", "-f", spec], { confirm: async (question) => (questions.push(question), false) });
    expect(declined.code).toBe(1);
    expect(questions).toEqual(["Apply 1 change to shop? [y/N] "]);
    expect(declined.stderr).toBe("babyhelm apply: cancelled; nothing was changed.\n");
    expect((await portal.request("GET", "/api/projects/shop/apps/web", { cookie })).json.app.env).toEqual({ LOG_LEVEL: "debug" });
  });

  it("refuses an invalid spec with the messages of validate, a secret value in the file, and a new secret without a value", async () => {
    // validate reads paths from the process's working directory: both get the absolute path.
    const invalid = join(work, writeSpec("invalid.yaml", { name: "shop", apps: [{ name: "web", image: "nginx:::", replica: 2 }] }));
    const applied = await babyhelm(["apply", "-f", invalid, "--yes"]);
    const validated = await babyhelm(["validate", "-f", invalid]);
    expect(validated.code).toBe(1);
    expect(applied).toEqual(failed(validated.stderr));
    expect(applied.stderr).toContain(`${invalid}: apps[0].image: "nginx:::" is not a valid image reference`);
    expect(applied.stderr).toContain(`${invalid}: apps[0].replica: unknown field (did you mean "replicas"?)`);

    const withValue = writeSpec("with-value.yaml", shopSpec({ image: "nginx:1.26", secretEnv: { API_KEY: FIRST_SECRET } }));
    const refused = await babyhelm(["apply", "-f", withValue, "--yes"]);
    expect(refused).toEqual(
      failed(
        'with-value.yaml: apps[0].secretEnv.API_KEY: holds a value; a spec file for apply names secrets only: write "********" and give the value in --secret-env-file as web.API_KEY=... or in the environment as BABYHELM_SECRET_WEB_API_KEY\n',
      ),
    );

    const newSecret = writeSpec(
      "new-secret.yaml",
      shopSpec({ image: "nginx:1.26", env: { LOG_LEVEL: "debug" }, secretEnv: { API_KEY: MASK, DB_PASSWORD: MASK } }, [], { cpu: "1", memory: "3Gi", pods: 10 }),
    );
    const missing = await babyhelm(["apply", "-f", newSecret, "--yes"]);
    expect(missing).toEqual(
      failed(
        "new-secret.yaml: apps[0].secretEnv.DB_PASSWORD: has no value: give it in --secret-env-file as web.DB_PASSWORD=... or in the environment as BABYHELM_SECRET_WEB_DB_PASSWORD\n",
      ),
    );
    expect((await babyhelm(["apply", "-f", newSecret, "--secret-env-file", "missing.env", "--yes"])).stderr).toBe(
      "babyhelm apply: --secret-env-file: cannot read missing.env: no such file\n",
    );
  });

  it("reports what the portal refuses at the step it refused, with each field", async () => {
    // 8 replicas at 250m and their rollout pod need 2.25 CPU: more than the 1 CPU quota.
    const tooBig = writeSpec(
      "too-big.yaml",
      shopSpec({ image: "nginx:1.26", env: { LOG_LEVEL: "debug" } }, [{ name: "api", image: "nginx:1.27", replicas: 8, resources: { cpu: "250m" } }], {
        cpu: "1",
        memory: "3Gi",
        pods: 10,
      }),
    );
    // The spec check would catch it; the portal's limits are what the CLI cannot know, so lift the quota past the user's limit.
    const overLimit = writeSpec("over-limit.yaml", shopSpec({ image: "nginx:1.26", env: { LOG_LEVEL: "debug" } }, [], { cpu: "64", memory: "3Gi", pods: 10 }));
    const local = await babyhelm(["apply", "-f", tooBig, "--yes"]);
    expect(local.code).toBe(1);
    expect(local.stderr).toContain("too-big.yaml: quota.cpu: the apps need");
    const refused = await babyhelm(["apply", "-f", overLimit, "--yes"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^babyhelm apply: ~ project shop: quota\.cpu "1" -> "64"\n {2}.+\(4\d\d [a-z_]+\)\nNo change was made before it; fix the problem and run apply again/,
    );
  });
});

describe("babyhelm set-image, deploy, status and export", () => {
  it("set-image --deploy --wait changes the image, streams the deployment and exits 0 when it succeeded", async () => {
    const result = await babyhelm(["set-image", "shop", "web", "nginx:1.27", "--deploy", "--wait"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^web in shop: image nginx:1\.26 -> nginx:1\.27\nDeployment #(\d+) of shop is queued\.\nDeployment #\1 of shop succeeded \(create \d+\)\.\n$/);
    expect(result.stderr).toMatch(/^babyhelm: deployment #\d+ is running\n/);
    expect(result.stderr).toContain("kubernetes:apps/v1:Deployment");
    const project = (await portal.request("GET", "/api/projects/shop", { cookie })).json.project;
    expect(project.apps[0].image).toBe("nginx:1.27");
    expect(project.lastDeployment).toMatchObject({ status: "succeeded" });
  }, 180_000);

  it("status shows each app's image and health and the last deployment", async () => {
    const result = await babyhelm(["status", "shop"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Project shop: unknown \(cluster not configured\): This portal is not connected to a cluster/);
    expect(result.stdout).toMatch(/\nAPP {2}IMAGE {7}HEALTH {3}READY {2}REASON\nweb {2}nginx:1\.27 {2}unknown {2}- *\n/);
    expect(result.stdout).toMatch(/\nLast deployment: #\d+ up succeeded \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ \(create \d+\)\n$/);
  });

  it("export downloads the project's repository as PROJECT.tar.gz, or -o FILE", async () => {
    const result = await babyhelm(["export", "shop"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Wrote shop\.tar\.gz \(\d+ bytes\)/);
    const archive = readFileSync(join(work, "shop.tar.gz"));
    expect([...archive.subarray(0, 2)]).toEqual([0x1f, 0x8b]);
    expect((await babyhelm(["export", "shop", "-o", "out/shop.tgz"])).stderr).toBe(
      "babyhelm export: cannot write out/shop.tgz: its directory does not exist; pick another place with -o FILE\n",
    );
  });

  it("deploy --wait runs as a real process with BABYHELM_URL and BABYHELM_TOKEN", async () => {
    const result = await babyhelmProcess(["deploy", "shop", "--wait"], { BABYHELM_URL: portal.url, BABYHELM_TOKEN: token });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Deployment #(\d+) of shop is queued\.\nDeployment #\1 of shop succeeded/);
    const usage = await babyhelmProcess(["deploy"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("babyhelm deploy: deploy needs PROJECT\n\nUsage: babyhelm deploy PROJECT [--wait]");
  }, 180_000);
});

describe("exit statuses", () => {
  it.each([
    [["frobnicate"], 'babyhelm: unknown command "frobnicate"'],
    [["deploy", "shop", "--bogus"], "babyhelm deploy: Unknown option '--bogus'"],
    [["set-image", "shop", "web"], "babyhelm set-image: set-image needs IMAGE"],
    [["set-image", "shop", "web", "nginx", "--wait"], "babyhelm set-image: --wait needs --deploy"],
    [["status", "shop", "extra"], 'babyhelm status: unexpected argument "extra"'],
    [["apply", "--yes"], "babyhelm apply: apply needs -f FILE"],
    [["login", "--url", "portal.example.com", "--token", "-"], "babyhelm login: --url is not a URL"],
  ])("exits 2 for wrong usage: %j", async (args, message) => {
    const result = await babyhelm(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr.startsWith(message)).toBe(true);
  });

  it("exits 1 with the portal's message for API errors: not found, a role too small, invalid fields", async () => {
    const missing = await babyhelm(["status", "nope"]);
    expect(missing).toEqual(failed('babyhelm status: Project "nope" was not found (404 not_found)\n'));

    const viewer = await createToken({ name: "viewer of shop", project: "shop", role: "viewer" });
    const env = { BABYHELM_URL: portal.url, BABYHELM_TOKEN: viewer };
    const forbidden = await babyhelm(["set-image", "shop", "web", "nginx:1.28"], { env });
    expect(forbidden.code).toBe(1);
    expect(forbidden.stderr).toMatch(/^babyhelm set-image: This token acts as viewer in "shop" .*use a token with a higher role, or log in \(403 forbidden\)\n$/);
    expect((await babyhelm(["export", "shop"], { env })).code).toBe(1);

    const invalid = await babyhelm(["set-image", "shop", "web", "nginx:::"]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/^babyhelm set-image: the portal refused the request \(400 invalid_request\):\n {2}image: "nginx:::" is not a valid image reference: use .+\n$/);

    const closed = await closedPort();
    const unreachable = await babyhelm(["projects"], { env: { BABYHELM_URL: `http://127.0.0.1:${closed}`, BABYHELM_TOKEN: token } });
    expect(unreachable).toEqual(
      failed(`babyhelm projects: cannot reach the portal at http://127.0.0.1:${closed} (from BABYHELM_URL): ECONNREFUSED; check the address and that the portal runs\n`),
    );
  });

  it("exits 1 when the deployment it waits for fails, with the portal's reason", async () => {
    // A portal whose engine has no Pulumi CLI: each deployment fails within seconds.
    const failing = await startTestPortal({ env: { DEPLOY_ENGINE: "pulumi", PULUMI_CLI_PATH: "", BABYHELM_TOOLCHAIN_HOME: tempDir("cli-no-toolchain") } });
    try {
      const session = await signUp(failing, "failing@example.com");
      const created = await failing.request("POST", "/api/me/tokens", { cookie: session, body: { name: "ci" } });
      tokens.push(created.json.token.token);
      const env = { BABYHELM_URL: failing.url, BABYHELM_TOKEN: created.json.token.token };
      const spec = writeSpec("failing.yaml", { name: "doomed", quota: { cpu: "500m", memory: "1Gi", pods: 5 }, apps: [{ name: "web", image: "nginx:1.27" }] });
      expect((await babyhelm(["apply", "-f", spec, "--yes"], { env })).code).toBe(0);
      const result = await babyhelm(["deploy", "doomed", "--wait"], { env });
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/^Deployment #\d+ of doomed is queued\.\n$/);
      expect(result.stderr).toMatch(
        /^(?:babyhelm: deployment #\d+ is running\n)?babyhelm: deployment #(\d+) of doomed failed: Pulumi CLI not found: build it with `npm run toolchain`, install it on PATH, or set PULUMI_CLI_PATH\nIts log is on the portal's project page \(GET \/api\/projects\/doomed\/deployments\/\1\)\.\n$/,
      );
    } finally {
      await failing.stop();
    }
  }, 120_000);

  it("never printed a token or a secret value, and every answer matched the OpenAPI document", () => {
    const output = printed.join("\n");
    for (const value of [...tokens, ...secrets]) expect(output).not.toContain(value);
    expect(contractProblems).toEqual([]);
  });
});
