// Loads a Pulumi program's entry module the way Pulumi's Node.js language host does for an ES module
// (a dynamic import, with the project directory as working directory), but under Pulumi's mock runtime.
// Stack config comes in PULUMI_CONFIG (secret keys in PULUMI_CONFIG_SECRET_KEYS), as the engine passes it.
// Prints the stack exports, the resources (`<type> <name>`) and each Kubernetes object's inputs (`objects`,
// secret values still in Pulumi's secret wrapper).
import { pathToFileURL } from "node:url";
import { createRequire } from "node:module";

const [entry] = process.argv.slice(2);
const require = createRequire(pathToFileURL(`${process.cwd()}/`));
const pulumi = require("@pulumi/pulumi");
const resources = [];
const objects = [];
await pulumi.runtime.setMocks(
  {
    newResource: (args) => {
      resources.push(`${args.type} ${args.name}`);
      if (args.type.startsWith("kubernetes:")) objects.push({ type: args.type, name: args.name, inputs: args.inputs });
      return { id: `${args.name}-id`, state: args.inputs };
    },
    call: (args) => args.inputs,
  },
  // The project's name, as the language host passes it (it names the program's config namespace).
  process.env.PULUMI_NODEJS_PROJECT ?? "entry-test",
  "dev",
  false,
);
const exports = await import(pathToFileURL(entry).href);
await pulumi.runtime.waitForRPCs();
const resolved = {};
for (const [name, value] of Object.entries(exports)) {
  resolved[name] = pulumi.Output.isInstance(value) ? await new Promise((resolve) => value.apply(resolve)) : value;
}
console.log(JSON.stringify({ exports: resolved, resources, objects }));
