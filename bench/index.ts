/**
 * `npm run bench`: prints figures against their targets. A script, not a test: these machines are noisy.
 * `npm run bench -- web render` runs only the named sections (render, portal, projects, metrics, web).
 */
import { printSummary, type BenchResult } from "./measure.js";
import { benchMetrics } from "./metrics.js";
import { benchPortal, startServers } from "./portal.js";
import { benchProjects } from "./projects.js";
import { benchRender } from "./render.js";
import { benchWeb } from "./web.js";

const SECTIONS = ["render", "portal", "projects", "metrics", "web"];
const only = process.argv.slice(2);
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
printSummary(results);
