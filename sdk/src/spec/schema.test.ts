import { describe, expect, it } from "vitest";
import { INVALID_SPECS } from "./invalid-specs.fixture.js";
import { ProjectSpecError } from "./errors.js";
import { parseProjectSpec, parseProjectSpecText } from "./parse.js";

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ProjectSpecError);
    return (error as ProjectSpecError).issues.map((issue) => `${issue.path}: ${issue.message}`);
  }
  throw new Error("expected the spec to be refused");
}

describe("parseProjectSpec", () => {
  it("fills the documented defaults into a minimal spec", () => {
    expect(parseProjectSpec({ name: "shop" })).toEqual({
      name: "shop",
      quota: { cpu: "2", memory: "4Gi", pods: 20 },
      apps: [],
      monitoring: { dashboard: true },
    });
  });

  it("defaults an app to one replica with 100m CPU and 128Mi, and leaves replicas to an autoscaler", () => {
    const spec = parseProjectSpec({
      name: "shop",
      apps: [
        { name: "web", image: "nginx:1.27" },
        { name: "api", image: "nginx:1.27", autoscale: { min: 2, max: 4 } },
      ],
    });
    expect(spec.apps[0]).toEqual({ name: "web", image: "nginx:1.27", replicas: 1, resources: { cpu: "100m", memory: "128Mi" } });
    expect(spec.apps[1]).toEqual({
      name: "api",
      image: "nginx:1.27",
      resources: { cpu: "100m", memory: "128Mi" },
      autoscale: { min: 2, max: 4, cpuPercent: 80 },
    });
  });

  it("keeps an app's visibility as written, and leaves it out (public) when the spec does", () => {
    const spec = parseProjectSpec({
      name: "shop",
      apps: [
        { name: "web", image: "nginx:1.27", port: 80, domain: "shop.example.com", visibility: "private" },
        { name: "api", image: "nginx:1.27", visibility: "public" },
        { name: "admin", image: "nginx:1.27", port: 80, visibility: "private" },
        { name: "worker", image: "nginx:1.27" },
      ],
    });
    expect(spec.apps.map((app) => app.visibility)).toEqual(["private", "public", "private", undefined]);
    expect(spec.apps[3]).not.toHaveProperty("visibility");
  });

  it("reads YAML numbers and booleans in env and quantities as the text the user wrote", () => {
    const spec = parseProjectSpecText(
      "name: shop\nquota: { cpu: 2 }\napps:\n  - name: web\n    image: nginx\n    env: { WORKERS: 4, DEBUG: false }\n    resources: { cpu: 0.5 }\n",
    );
    expect(spec.quota.cpu).toBe("2");
    expect(spec.apps[0]!.env).toEqual({ WORKERS: "4", DEBUG: "false" });
    expect(spec.apps[0]!.resources.cpu).toBe("0.5");
  });

  it("keeps YAML variables and quantities exactly as written, not as the numbers YAML reads", () => {
    const spec = parseProjectSpecText(
      "name: shop\napps:\n  - name: web\n    image: nginx\n    env: { VERSION: 1.10, ZIP: 01234, HEX: 0x1F, ON: yes }\n    secretEnv: { PIN: 0123 }\n    resources: { cpu: 0.50 }\n",
    );
    expect(spec.apps[0]!.env).toEqual({ VERSION: "1.10", ZIP: "01234", HEX: "0x1F", ON: "yes" });
    expect(spec.apps[0]!.secretEnv).toEqual({ PIN: "0123" });
    expect(spec.apps[0]!.resources.cpu).toBe("0.50");
  });

  it("refuses names that would hide in an object's prototype or leak a pasted secret", () => {
    const fromJson = JSON.parse('{"name":"shop","apps":[{"name":"web","image":"nginx","env":{"__proto__":"x"}}]}');
    expect(problemsOf(() => parseProjectSpec(fromJson))).toEqual(['apps[0].env: "__proto__" is not allowed as a variable name']);
    const pasted = problemsOf(() => parseProjectSpec({ name: "shop", apps: [{ name: "web", image: "nginx", secretEnv: { "API_KEY=hunter2": "x" } }] }));
    expect(pasted.join("\n")).not.toContain("hunter2");
    const inherited = parseProjectSpec({ name: "shop", apps: [{ name: "web", image: "nginx", env: { A: "x" }, secretEnv: { constructor: "y" } }] });
    expect(inherited.apps[0]!.secretEnv).toEqual({ constructor: "y" });
  });

  it("gives an equal spec when a parsed spec is parsed again", () => {
    const once = parseProjectSpec({ name: "shop", apps: [{ name: "web", image: "nginx", autoscale: { min: 1, max: 3 } }] });
    expect(parseProjectSpec(once)).toEqual(once);
  });

  it("accepts the image references people use", () => {
    for (const image of [
      "nginx",
      "nginx:1.27",
      "library/nginx:1.27-alpine",
      "ghcr.io/acme/api:v2",
      "localhost:5000/team/app",
      "registry.example.com:443/a/b/c:1.0.0",
      `nginx@sha256:${"a".repeat(64)}`,
      `ghcr.io/acme/api:v2@sha256:${"0".repeat(64)}`,
      "[::1]:5000/app:dev",
    ]) {
      expect(() => parseProjectSpec({ name: "shop", apps: [{ name: "web", image }] }), image).not.toThrow();
    }
  });

  it("lists every problem of a spec at once, not only the first", () => {
    const problems = problemsOf(() =>
      parseProjectSpec({
        name: "Shop",
        quota: { cpu: "lots" },
        apps: [
          { name: "web", image: "nginx:::", port: 0 },
          { name: "web", image: "nginx" },
        ],
      }),
    );
    expect(problems.map((problem) => problem.split(":")[0])).toEqual(["name", "quota.cpu", "apps[0].image", "apps[0].port", "apps[1].name"]);
  });

  it("never repeats a secret value in an error", () => {
    const problems = problemsOf(() => parseProjectSpec({ name: "shop", apps: [{ name: "web", image: "nginx", secretEnv: { API_KEY: ["hunter2-very-secret"] } }] }));
    expect(problems).toEqual(["apps[0].secretEnv.API_KEY: must be text, not a list"]);
    expect(problems.join("\n")).not.toContain("hunter2");
  });

  it(`refuses ${INVALID_SPECS.length} kinds of invalid spec, naming the path and the problem`, () => {
    expect(INVALID_SPECS.length).toBeGreaterThanOrEqual(25);
    for (const invalid of INVALID_SPECS) {
      const message = problemsOf(() => parseProjectSpecText(invalid.yaml)).join("\n");
      for (const expected of invalid.expected) expect(message, invalid.title).toContain(expected);
    }
  });
});
