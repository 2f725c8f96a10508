/**
 * Invalid specs and what users must be told about each: the path, and what is wrong. Shared by the
 * schema tests and the CLI tests, so both the library and the command are held to the same messages.
 */
export interface InvalidSpecCase {
  title: string;
  /** YAML text as a user would write it (JSON is YAML too). */
  yaml: string;
  /** Every line the user must see, as "path: fragment of the message". */
  expected: string[];
}

const app = (fields: string) => `name: shop\napps:\n  - name: web\n    image: nginx:1.27\n${fields}`;

export const INVALID_SPECS: InvalidSpecCase[] = [
  { title: "uppercase project name", yaml: "name: Shop", expected: ['name: "Shop" is not a valid name', 'try "shop"'] },
  { title: "project name over 40 characters", yaml: `name: ${"a".repeat(41)}`, expected: ["name: ", "is 41 characters long; use at most 40"] },
  { title: "underscore in a name", yaml: "name: my_shop", expected: ['name: "my_shop" is not a valid name'] },
  { title: "reserved namespace", yaml: "name: kube-system", expected: ['name: "kube-system" is reserved'] },
  { title: "platform namespace", yaml: "name: monitoring", expected: ['name: "monitoring" is reserved'] },
  { title: "missing name", yaml: "displayName: Shop", expected: ["name: is required"] },
  {
    title: "duplicate app names",
    yaml: "name: shop\napps:\n  - { name: web, image: nginx }\n  - { name: web, image: httpd }",
    expected: ['apps[1].name: "web" is already used by apps[0]'],
  },
  { title: "image with colons only", yaml: app("").replace("nginx:1.27", '"nginx:::"'), expected: ['apps[0].image: "nginx:::" is not a valid image reference'] },
  { title: "uppercase image repository", yaml: app("").replace("nginx:1.27", "Nginx:1.27"), expected: ["apps[0].image: ", "repository names must be lowercase"] },
  { title: "image with a space", yaml: app("").replace("nginx:1.27", '"nginx 1.27"'), expected: ['apps[0].image: "nginx 1.27" is not a valid image reference'] },
  {
    title: "restartedAt that is not a time",
    yaml: app("    restartedAt: yesterday\n"),
    expected: ['apps[0].restartedAt: "yesterday" is not a time; use RFC 3339, such as 2026-12-01T12:00:00Z'],
  },
  { title: "port 0", yaml: app("    port: 0\n"), expected: ["apps[0].port: 0 is out of range: use a whole number from 1 to 65535"] },
  { title: "port 70000", yaml: app("    port: 70000\n"), expected: ["apps[0].port: 70000 is out of range"] },
  { title: "port as text", yaml: app('    port: "80"\n'), expected: ["apps[0].port: must be a number, not text"] },
  { title: "negative replicas", yaml: app("    replicas: -1\n"), expected: ["apps[0].replicas: -1 is out of range: use a whole number from 0 to 50"] },
  { title: "too many replicas", yaml: app("    replicas: 51\n"), expected: ["apps[0].replicas: 51 is out of range"] },
  { title: "fractional replicas", yaml: app("    replicas: 1.5\n"), expected: ["apps[0].replicas: 1.5 is not a whole number: use a whole number from 0 to 50"] },
  {
    title: "unknown top-level key",
    yaml: "name: shop\nnamespace: shop",
    expected: ["namespace: unknown field; allowed fields: name, displayName, owner, quota, apps, monitoring"],
  },
  { title: "misspelled app key", yaml: app("    replica: 2\n"), expected: ['apps[0].replica: unknown field (did you mean "replicas"?)'] },
  { title: "autoscale min above max", yaml: app("    autoscale: { min: 5, max: 2 }\n"), expected: ["apps[0].autoscale.min: 5 is greater than max (2)"] },
  { title: "autoscale max 0", yaml: app("    autoscale: { min: 1, max: 0 }\n"), expected: ["apps[0].autoscale.max: 0 is out of range"] },
  {
    title: "autoscale cpuPercent 0",
    yaml: app("    autoscale: { min: 1, max: 2, cpuPercent: 0 }\n"),
    expected: ["apps[0].autoscale.cpuPercent: 0 is out of range: use a whole number from 1 to 100"],
  },
  { title: "replicas with autoscale", yaml: app("    replicas: 2\n    autoscale: { min: 1, max: 3 }\n"), expected: ["apps[0].replicas: cannot be combined with autoscale"] },
  { title: "CPU quantity in words", yaml: 'name: shop\nquota: { cpu: "2 cores" }', expected: ['quota.cpu: "2 cores" is not a CPU quantity'] },
  { title: "memory in GB", yaml: "name: shop\nquota: { memory: 4GB }", expected: ['quota.memory: "4GB" is not a memory quantity', 'did you mean "4Gi"?'] },
  { title: "memory in millibytes", yaml: app("    resources: { memory: 256m }\n"), expected: ['apps[0].resources.memory: "256m" means millibytes; use "256Mi"'] },
  {
    title: "memory below the runtime minimum",
    yaml: app("    resources: { memory: 1Mi }\n"),
    expected: ['apps[0].resources.memory: "1Mi" is below the container runtime\'s minimum of 6Mi'],
  },
  { title: "pods quota 0", yaml: "name: shop\nquota: { pods: 0 }", expected: ["quota.pods: 0 is out of range: use a whole number from 1 to 1000"] },
  {
    title: "apps exceeding the quota",
    yaml: app("    replicas: 4\n    resources: { cpu: 1, memory: 2Gi }\n"),
    expected: [
      "quota.cpu: the apps need 5 CPU (counting one extra pod per app for rolling updates) but the quota allows 2",
      "quota.memory: the apps need 10Gi of memory (counting one extra pod per app for rolling updates) but the quota allows 4Gi",
    ],
  },
  {
    title: "no room for a rolling update",
    yaml: app("    replicas: 2\n    resources: { cpu: 1, memory: 1Gi }\n"),
    expected: ["quota.cpu: the apps need 3 CPU (counting one extra pod per app for rolling updates) but the quota allows 2"],
  },
  { title: "a list instead of a mapping", yaml: "- name: shop", expected: ["spec: must be a mapping of fields, not a list"] },
  { title: "a bare word", yaml: "hello", expected: ["spec: must be a mapping of fields, not text"] },
  { title: "YAML that does not parse", yaml: "name: shop\napps: [\n  - name: web", expected: ["line ", "not valid YAML or JSON"] },
  { title: "JSON that does not parse", yaml: '{"name": "shop", "apps": [}', expected: ["not valid YAML or JSON"] },
  { title: "an empty document", yaml: "", expected: ["spec: the document is empty"] },
  { title: "two YAML documents", yaml: "name: shop\n---\nname: other", expected: ["spec: found 2 YAML documents; a spec is exactly one"] },
  { title: "duplicate YAML keys", yaml: "name: shop\nname: other", expected: ["not valid YAML or JSON: Map keys must be unique"] },
  { title: "health check without a port", yaml: app("    healthCheck: { path: /healthz }\n"), expected: ["apps[0].healthCheck: an HTTP health check needs a port"] },
  {
    title: "health check path without slash",
    yaml: app("    port: 80\n    healthCheck: { path: healthz }\n"),
    expected: ["apps[0].healthCheck.path: must be an absolute URL path"],
  },
  { title: "domain without a port", yaml: app("    domain: shop.example.com\n"), expected: ["apps[0].domain: a domain needs a port"] },
  {
    title: "domain with a scheme",
    yaml: app("    port: 80\n    domain: https://shop.example.com\n"),
    expected: ['apps[0].domain: "https://shop.example.com" is not a valid domain'],
  },
  {
    title: "an unknown visibility",
    yaml: app("    port: 80\n    domain: shop.example.com\n    visibility: internal\n"),
    expected: ['apps[0].visibility: "internal" is not a visibility: use "public" or "private"'],
  },
  { title: "visibility as true/false", yaml: app("    visibility: true\n"), expected: ['apps[0].visibility: must be "public" or "private"'] },
  { title: "visibility in capitals", yaml: app("    visibility: Private\n"), expected: ['apps[0].visibility: "Private" is not a visibility: use "public" or "private"'] },
  {
    title: "the same domain twice",
    yaml: "name: shop\napps:\n  - { name: a, image: nginx, port: 80, domain: x.example.com }\n  - { name: b, image: nginx, port: 80, domain: x.example.com }",
    expected: ['apps[1].domain: "x.example.com" is already used by apps[0]'],
  },
  { title: "invalid variable name", yaml: app('    env: { "1X": a }\n'), expected: ['apps[0].env["1X"]: "1X" is not a valid variable name'] },
  {
    title: "variable as plain and secret",
    yaml: app("    env: { API_KEY: a }\n    secretEnv: { API_KEY: b }\n"),
    expected: ["apps[0].secretEnv.API_KEY: is also set in env; keep it in one of them"],
  },
  { title: "variable value that is a mapping", yaml: app("    env: { A: { b: c } }\n"), expected: ["apps[0].env.A: must be text, not a mapping"] },
  { title: "command as one string", yaml: app('    command: "nginx -g daemon off;"\n'), expected: ["apps[0].command: must be a list, not text"] },
  { title: "apps as a mapping", yaml: "name: shop\napps:\n  web: { image: nginx }", expected: ["apps: must be a list, not a mapping"] },
  {
    title: "app name starting with a digit",
    yaml: "name: shop\napps:\n  - { name: 9web, image: nginx, port: 80 }",
    expected: ['apps[0].name: "9web" is not a valid name', "starting with a letter"],
  },
  { title: "IP address as a domain", yaml: app("    port: 80\n    domain: 10.0.0.1\n"), expected: ['apps[0].domain: "10.0.0.1" is an IP address'] },
  { title: "exa-scale CPU", yaml: app("    resources: { cpu: 2E }\n"), expected: ['apps[0].resources.cpu: "2E" is more than 10000 cores'] },
  {
    title: "NAME=value pasted into secretEnv",
    yaml: app("    secretEnv: { API_KEY=hunter2: x }\n"),
    expected: ['apps[0].secretEnv: "API_KEY" is followed by "=": write the variable as NAME: value'],
  },
  { title: "__proto__ as a variable", yaml: app("    env: { __proto__: x }\n"), expected: ['line 5, column 12: "__proto__" is not allowed as a key'] },
  { title: "infinite pods", yaml: "name: shop\nquota: { pods: .inf }", expected: ["quota.pods: must be a number, not Infinity"] },
  {
    title: "more than 256 KiB of variables",
    yaml: app(`    env:\n${Array.from({ length: 9 }, (_, i) => `      V${i}: "${"x".repeat(30_000)}"`).join("\n")}\n`),
    expected: ["apps[0].env: holds more than 256 KiB in all"],
  },
  { title: "owner that is not an e-mail", yaml: "name: shop\nowner: alice", expected: ["owner: must be an e-mail address"] },
  {
    title: "more than 200 apps",
    yaml: `name: shop\nquota: { cpu: "100", memory: 100Gi, pods: 1000 }\napps:\n${Array.from({ length: 201 }, (_, i) => `  - { name: app${i}, image: nginx }`).join("\n")}`,
    expected: ["apps: must have at most 200 items"],
  },
];
