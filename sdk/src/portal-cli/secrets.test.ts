import { describe, expect, it } from "vitest";
import { parseProjectSpec } from "../spec/parse.js";
import { collectSecretValues, parseSecretEnvFile, secretValuesInSpec } from "./secrets.js";

const MASK = "********";

describe("secret values for apply", () => {
  it("reads APP.KEY=value lines, skipping comments and blank lines and unquoting values", () => {
    const { values, problems } = parseSecretEnvFile("# CI secrets\n\nweb.API_KEY=abc=def\nweb.QUOTED = \"with spaces\"\r\nmy-worker.T='x'\n", "ci.env");
    expect(problems).toEqual([]);
    expect([...values]).toEqual([
      ["web.API_KEY", { value: "abc=def", from: "ci.env line 3" }],
      ["web.QUOTED", { value: "with spaces", from: "ci.env line 4" }],
      ["my-worker.T", { value: "x", from: "ci.env line 5" }],
    ]);
  });

  it("names a bad or repeated line by its number, never by its content", () => {
    const { problems } = parseSecretEnvFile("API_KEY=hunter2\nweb.A=1\nweb.A=2\n", "ci.env");
    expect(problems).toEqual(["ci.env line 1: expected APP.KEY=value, such as web.API_KEY=...", "ci.env line 3: web.A is also on line 2; give it once"]);
    expect(problems.join("\n")).not.toContain("hunter2");
  });

  it("takes values from the file first, then BABYHELM_SECRET_<APP>_<KEY>, and refuses file entries the spec does not name", () => {
    const spec = parseProjectSpec({
      name: "shop",
      apps: [
        { name: "web", image: "nginx", secretEnv: { A: MASK, B: MASK } },
        { name: "my-worker", image: "nginx", secretEnv: { C: MASK } },
      ],
    });
    const fromFile = parseSecretEnvFile("web.A=from-file\nweb.TYPO=x\n", "ci.env").values;
    const env = { BABYHELM_SECRET_WEB_A: "ignored", BABYHELM_SECRET_MY_WORKER_C: "from-env" };
    const { values, problems } = collectSecretValues(spec, fromFile, env);
    expect(Object.fromEntries(values)).toEqual({
      "web.A": { value: "from-file", from: "ci.env line 1" },
      "my-worker.C": { value: "from-env", from: "BABYHELM_SECRET_MY_WORKER_C" },
    });
    expect(problems).toEqual(['ci.env line 2: web.TYPO is not a secret of the spec (no app "web" with secretEnv TYPO); fix the name or add it to the spec']);
  });

  it("refuses an environment variable that two secrets would share", () => {
    const spec = parseProjectSpec({
      name: "shop",
      apps: [
        { name: "a", image: "nginx", secretEnv: { API_KEY_X: MASK } },
        { name: "a-api", image: "nginx", secretEnv: { KEY_X: MASK } },
      ],
    });
    expect(collectSecretValues(spec, new Map(), { BABYHELM_SECRET_A_API_KEY_X: "v" }).problems).toEqual([
      "BABYHELM_SECRET_A_API_KEY_X could be the value of a.API_KEY_X or a-api.KEY_X; give a.API_KEY_X in --secret-env-file instead",
      "BABYHELM_SECRET_A_API_KEY_X could be the value of a.API_KEY_X or a-api.KEY_X; give a-api.KEY_X in --secret-env-file instead",
    ]);
  });

  it("refuses a spec file that holds a secret value, without showing it", () => {
    const spec = parseProjectSpec({ name: "shop", apps: [{ name: "web", image: "nginx", secretEnv: { OK: MASK, API_KEY: "hunter2" } }] });
    const issues = secretValuesInSpec(spec);
    expect(issues).toEqual([
      {
        path: "apps[0].secretEnv.API_KEY",
        message:
          'holds a value; a spec file for apply names secrets only: write "********" and give the value in --secret-env-file as web.API_KEY=... or in the environment as BABYHELM_SECRET_WEB_API_KEY',
      },
    ]);
  });
});
