// Entry of the root Pulumi.yaml (`main: stacks/platform`). For an ES module program Pulumi loads
// `index.js` from that directory, not package.json's "main", so this forwards to the compiled program.
export * from "./dist/index.js";
