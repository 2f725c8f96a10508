/** `npm run bench`: prints figures against their targets. A script, not a test: these machines are noisy. */
import { printSummary } from "./measure.js";
import { benchRender } from "./render.js";

const results = [...(await benchRender())];
printSummary(results);
