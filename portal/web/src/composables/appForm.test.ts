import { describe, expect, it } from "vitest";
import { toAppBody, type AppFormValues } from "./appForm.js";

const values: AppFormValues = {
  name: "web",
  image: "nginx:1.27",
  port: "80",
  replicas: "2",
  command: "",
  args: "-g\ndaemon off;",
  env: [
    { name: "MODE", value: "prod" },
    { name: "", value: "ignored" },
  ],
  secretEnv: [{ name: "API_KEY", value: "s3cr3t" }],
  cpu: "250m",
  memory: "256Mi",
  healthCheckPath: "/healthz",
  domain: "",
  visibility: "public",
  autoscale: false,
  autoscaleMin: "2",
  autoscaleMax: "5",
  cpuPercent: "80",
};

describe("the app form's body", () => {
  it("sends the ProjectSpec app fields of a new app, leaving out what is empty", () => {
    expect(toAppBody(values, [], false)).toEqual({
      name: "web",
      image: "nginx:1.27",
      port: 80,
      replicas: 2,
      args: ["-g", "daemon off;"],
      env: { MODE: "prod" },
      secretEnv: { API_KEY: "s3cr3t" },
      resources: { cpu: "250m", memory: "256Mi" },
      healthCheck: { path: "/healthz" },
    });
  });

  it("on edit, removes emptied fields, keeps untouched secrets, deletes removed ones and leaves replicas to autoscaling", () => {
    const edited = { ...values, port: "", healthCheckPath: "", autoscale: true, secretEnv: [{ name: "API_KEY", value: "", unchanged: true }] };
    expect(toAppBody(edited, ["API_KEY", "OLD_TOKEN"], true)).toMatchObject({
      port: null,
      healthCheck: null,
      domain: null,
      command: null,
      replicas: null,
      autoscale: { min: 2, max: 5, cpuPercent: 80 },
      secretEnv: { OLD_TOKEN: null },
    });
  });

  it("sends visibility only for a private app, and null on edit when it goes back to public", () => {
    const privateApp = { ...values, domain: "admin.example.com", visibility: "private" as const };
    expect(toAppBody(privateApp, [], false)).toMatchObject({ domain: "admin.example.com", visibility: "private" });
    expect(toAppBody(privateApp, [], true).visibility).toBe("private");
    expect(toAppBody(values, [], false)).not.toHaveProperty("visibility");
    expect(toAppBody(values, [], true).visibility).toBeNull();
  });

  it("sends what the user typed where a number is expected, so the API can name the field", () => {
    expect(toAppBody({ ...values, port: "eighty" }, [], false).port).toBe("eighty");
  });
});
