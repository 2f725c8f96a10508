/** `npm run bench`: prints figures against their targets. A script, not a test: these machines are noisy. */
import { printSummary } from "./measure.js";
import { benchPortal, startServers } from "./portal.js";
import { benchProjects } from "./projects.js";
import { benchRender } from "./render.js";

const results = [...(await benchRender())];
const { servers, stop } = await startServers();
try {
  results.push(...(await benchPortal(servers)), ...(await benchProjects(servers)));
} finally {
  stop();
}
printSummary(results);
