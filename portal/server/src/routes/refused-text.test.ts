/**
 * Text Kubernetes or PostgreSQL cannot store (a NUL, a lone UTF-16 surrogate), and names for people that
 * would not read as what they are (bidirectional controls, invisible characters), are refused by
 * `babyhelm validate` and by the portal with the same message at the same field: the CLI's
 * `apps[i].env.KEY` is the app endpoints' `env.KEY`, the project's fields are at the same path in both.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runBabyhelm } from "../../../../sdk/src/test-support/run-cli.js";
import { signUp, startTestPortal, type TestPortal } from "../test-support/portal.js";
import { createProject } from "../test-support/projects.js";

const NUL = "contains a NUL character (U+0000), which Kubernetes and PostgreSQL cannot store; remove it";
const loneSurrogate = (codePoint: string) =>
  `contains half of a UTF-16 surrogate pair (${codePoint}) without the other half, which is not text; send the whole character or remove it`;
const bidi = (codePoint: string) => `contains a bidirectional control character (${codePoint}), which can make a name read as something else; remove it`;
const invisible = (codePoint: string) => `contains an invisible character (${codePoint}), which can make a name look like another; remove it`;

// Most tests start the real CLI (Node, tsx, the SDK): seconds each, more on a loaded CI machine.
vi.setConfig({ testTimeout: 120_000 });

const PROJECT = "texts";
const BASE_APP = { image: "nginx:1.27" };

/** App fields, each refused at `path` (relative to the app) with `message`. */
const APP_CASES: { title: string; fields: Record<string, unknown>; path: string; message: string }[] = [
  { title: "a NUL in an env value", fields: { env: { GREETING: "hello\u0000world" } }, path: "env.GREETING", message: NUL },
  { title: "a lone high surrogate in an env value", fields: { env: { GREETING: "smile \uD83D" } }, path: "env.GREETING", message: loneSurrogate("U+D83D") },
  { title: "a NUL in an env name", fields: { env: { "BAD\u0000NAME": "x" } }, path: 'env["BAD\\u0000NAME"]', message: NUL },
  { title: "a NUL in a secret value", fields: { secretEnv: { API_KEY: "abc\u0000def" } }, path: "secretEnv.API_KEY", message: NUL },
  { title: "a lone low surrogate in a secret value", fields: { secretEnv: { API_KEY: "\uDE00abc" } }, path: "secretEnv.API_KEY", message: loneSurrogate("U+DE00") },
  { title: "a NUL in a secret's name, which is never repeated", fields: { secretEnv: { "TOKEN=hunter2\u0000": "x" } }, path: "secretEnv", message: NUL },
  { title: "a NUL in the command", fields: { command: ["/bin/sh\u0000"] }, path: "command[0]", message: NUL },
  { title: "a lone surrogate in the args", fields: { args: ["--flag", "\uD800"] }, path: "args[1]", message: loneSurrogate("U+D800") },
  { title: "a NUL in the health check path", fields: { port: 80, healthCheck: { path: "/healthz\u0000" } }, path: "healthCheck.path", message: NUL },
  { title: "a NUL in the image", fields: { image: "nginx\u0000:1.27" }, path: "image", message: NUL },
  { title: "a lone surrogate in the domain", fields: { port: 80, domain: "shop\uDBFF.example.com" }, path: "domain", message: loneSurrogate("U+DBFF") },
];

/** Project display names, each refused at `displayName` with `message`. */
const DISPLAY_NAME_CASES: { title: string; displayName: string; message: string }[] = [
  { title: "a NUL", displayName: "Shop\u0000", message: NUL },
  { title: "a lone surrogate", displayName: "Shop \uD83D", message: loneSurrogate("U+D83D") },
  { title: "a right-to-left override", displayName: "Shop\u202Egnp.exe", message: bidi("U+202E") },
  { title: "a first-strong isolate", displayName: "Shop\u2068", message: bidi("U+2068") },
  { title: "a zero-width space", displayName: "Sh\u200Bop", message: invisible("U+200B") },
  { title: "a byte order mark", displayName: "\uFEFFShop", message: invisible("U+FEFF") },
];

let portal: TestPortal;
let owner: string;

/** What `babyhelm validate` prints for `spec`, as `path: message` lines (nothing when it is valid). */
async function validate(spec: unknown): Promise<{ code: number | null; problems: string[] }> {
  const result = await runBabyhelm(["validate", "-f", "-"], { stdin: JSON.stringify(spec) });
  // One line per problem: `<stdin>: apps[0].image: ...`.
  const problems = [...result.stderr.matchAll(/^<stdin>: (.*)$/gm)].map((match) => match[1]!);
  return { code: result.code, problems };
}

async function refusal(method: "POST" | "PATCH", path: string, body: unknown, cookie = owner) {
  const answer = await portal.request(method, path, { cookie, body });
  expect(answer.status, answer.text).toBe(400);
  expect(answer.json.error.code).toBe("invalid_request");
  return (answer.json.error.details as { path: string; message: string }[]).map((problem) => `${problem.path}: ${problem.message}`);
}

beforeAll(async () => {
  portal = await startTestPortal();
  owner = await signUp(portal, "texts-owner@example.com");
  await createProject(portal, owner, PROJECT, [{ name: "base", ...BASE_APP }]);
});

afterAll(async () => {
  await portal?.stop();
});

describe("app fields", () => {
  const apps = APP_CASES.map((testCase, index) => ({ name: `app${index}`, ...BASE_APP, ...testCase.fields }));
  let cli: { code: number | null; problems: string[] };
  beforeAll(async () => {
    // One spec with every case as its own app: one run of the CLI says them all.
    cli = await validate({ name: PROJECT, quota: { cpu: "4", memory: "8Gi", pods: 100 }, apps });
  });

  it("are all refused by the CLI, each at its app, and nothing else is", () => {
    expect(cli.code).toBe(1);
    expect(cli.problems).toEqual(APP_CASES.map((testCase, index) => `apps[${index}].${testCase.path}: ${testCase.message}`));
  });

  it.each(APP_CASES.map((testCase, index) => [testCase.title, testCase, index] as const))(
    "%s: the API says what the CLI says, adding or changing an app",
    async (_, testCase, index) => {
      const expected = `${testCase.path}: ${testCase.message}`;
      expect(cli.problems).toContain(`apps[${index}].${expected}`);
      expect(await refusal("POST", `/api/projects/${PROJECT}/apps`, apps[index])).toEqual([expected]);
      expect(await refusal("PATCH", `/api/projects/${PROJECT}/apps/base`, testCase.fields)).toEqual([expected]);
    },
  );

  it("a secret's value or name is never repeated in the answer", async () => {
    const answer = await portal.request("POST", `/api/projects/${PROJECT}/apps`, {
      cookie: owner,
      body: { name: "leaky", ...BASE_APP, secretEnv: { "TOKEN=hunter2\u0000": "x" } },
    });
    expect(answer.text).not.toContain("hunter2");
  });

  it("nothing refused was stored", async () => {
    const spec = await portal.request("GET", `/api/projects/${PROJECT}/spec`, { cookie: owner });
    expect(spec.json.apps).toEqual([{ name: "base", ...BASE_APP, replicas: 1, resources: { cpu: "100m", memory: "128Mi" } }]);
  });
});

describe("a project's displayName", () => {
  it.each(DISPLAY_NAME_CASES.map((testCase) => [testCase.title, testCase] as const))("with %s: the same refusal from the CLI, on create and on change", async (_, testCase) => {
    const expected = `displayName: ${testCase.message}`;
    expect(await validate({ name: PROJECT, displayName: testCase.displayName })).toEqual({ code: 1, problems: [expected] });
    expect(await refusal("POST", "/api/projects", { name: "another", displayName: testCase.displayName })).toEqual([expected]);
    expect(await refusal("PATCH", `/api/projects/${PROJECT}`, { displayName: testCase.displayName })).toEqual([expected]);
  });

  it("keeps what people write, joiners and emoji included, exactly as written in both", async () => {
    const displayName = "👩‍💻 می‌خواهم Café ❤️";
    expect(await validate({ name: PROJECT, displayName })).toEqual({ code: 0, problems: [] });
    const changed = await portal.request("PATCH", `/api/projects/${PROJECT}`, { cookie: owner, body: { displayName } });
    expect(changed.status, changed.text).toBe(200);
    expect((await portal.request("GET", `/api/projects/${PROJECT}`, { cookie: owner })).json.project.displayName).toBe(displayName);
  });

  it("a NUL in a URL's project name is refused at name before anything looks the project up", async () => {
    const answer = await portal.request("GET", "/api/projects/te%00xts/apps", { cookie: owner });
    expect(answer.status, answer.text).toBe(400);
    expect(answer.json.error.details).toEqual([{ path: "name", message: NUL }]);
  });

  it("a project name with a NUL: the same refusal from the CLI and the API", async () => {
    const expected = `name: ${NUL}`;
    expect(await validate({ name: "sh\u0000op" })).toEqual({ code: 1, problems: [expected] });
    expect(await refusal("POST", "/api/projects", { name: "sh\u0000op" })).toEqual([expected]);
  });
});

describe("names of people: accounts and tokens", () => {
  // These have no spec field; they are refused in the words a displayName is.
  const cases = DISPLAY_NAME_CASES.map((testCase) => [testCase.title, testCase] as const);

  it.each(cases)("with %s: refused on sign-up, on an account change and for a token", async (_, testCase) => {
    const expected = `name: ${testCase.message}`;
    expect(await refusal("POST", "/api/auth/register", { email: "texts-new@example.com", password: "a long enough password", name: testCase.displayName })).toEqual([expected]);
    expect(await refusal("PATCH", "/api/me", { name: testCase.displayName })).toEqual([expected]);
    expect(await refusal("POST", "/api/me/tokens", { name: testCase.displayName })).toEqual([expected]);
  });

  it("any field of any request: a NUL in a password is refused at the field, never stored or hashed", async () => {
    expect(await refusal("POST", "/api/auth/login", { email: "texts-owner@example.com", password: "pass\u0000word" })).toEqual([`password: ${NUL}`]);
    expect(await refusal("POST", "/api/auth/register", { email: "texts-nul@example.com", password: "long enough\u0000password", name: "Nul" })).toEqual([`password: ${NUL}`]);
  });
});
