/**
 * `npm run bench`: prints figures against their targets. A script, not a test: these machines are noisy.
 * `npm run bench -- web render` runs only the named sections (render, portal, projects, metrics, web, deploy, status, drift).
 * `deploy`, `status` and `drift` need the toolchain (`npm run toolchain`); without it a full run says so and goes on.
 * `--quick` makes the drift bench smaller (3 rounds, 20 projects instead of 5 and 50).
 */
import { printSummary, type BenchResult } from "./measure.js";
import { findBinary } from "../toolchain/tools.mjs";
import { benchDeploy } from "./deploy.js";
import { benchDrift } from "./drift.js";
import { benchMetrics } from "./metrics.js";
import { benchPortal, startServers } from "./portal.js";
import { benchProjects } from "./projects.js";
import { benchRender } from "./render.js";
import { benchStatus } from "./status.js";
import { benchWeb } from "./web.js";

const SECTIONS = ["render", "portal", "projects", "metrics", "web", "deploy", "status", "drift"];
const FLAGS = ["--quick"];
const flags = process.argv.slice(2).filter((arg) => arg.startsWith("--"));
const only = process.argv.slice(2).filter((arg) => !arg.startsWith("--"));
const unknownFlags = flags.filter((flag) => !FLAGS.includes(flag));
if (unknownFlags.length > 0) {
  console.error(`unknown bench option: ${unknownFlags.join(", ")} (options: ${FLAGS.join(", ")})`);
  process.exit(2);
}
const unknown = only.filter((name) => !SECTIONS.includes(name));
if (unknown.length > 0) {
  console.error(`unknown bench section: ${unknown.join(", ")} (sections: ${SECTIONS.join(", ")})`);
  process.exit(2);
}
const wanted = (section: string) => only.length === 0 || only.includes(section);

const results: BenchResult[] = [];
if (wanted("render")) results.push(...(await benchRender()));
if (wanted("portal") || wanted("projects")) {
  const { servers, stop } = await startServers();
  try {
    if (wanted("portal")) results.push(...(await benchPortal(servers)));
    if (wanted("projects")) results.push(...(await benchProjects(servers)));
  } finally {
    stop();
  }
}
if (wanted("metrics")) results.push(...(await benchMetrics()));
if (wanted("web")) results.push(...(await benchWeb()));
if (only.includes("deploy") || (wanted("deploy") && findBinary("pulumi"))) results.push(...(await benchDeploy()));
else if (wanted("deploy")) console.log("deploy: NOT RUN (no toolchain: `npm run toolchain` builds the Pulumi CLI and the local cluster)");
if (only.includes("status") || (wanted("status") && (process.env.KUBECONFIG || (findBinary("kube-apiserver") && findBinary("kwok"))))) results.push(...(await benchStatus()));
else if (wanted("status")) console.log("status: NOT RUN (no toolchain: `npm run toolchain` builds the local cluster)");
if (only.includes("drift") || (wanted("drift") && findBinary("pulumi"))) results.push(...(await benchDrift({ quick: flags.includes("--quick") })));
else if (wanted("drift")) console.log("drift: NOT RUN (no toolchain: `npm run toolchain` builds the Pulumi CLI and the local cluster)");
printSummary(results);
