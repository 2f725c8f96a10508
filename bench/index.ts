/** `npm run bench`: prints figures against their targets. A script, not a test: these machines are noisy. */
import { printSummary } from "./measure.js";
import { benchPortal } from "./portal.js";
import { benchRender } from "./render.js";

const results = [...(await benchRender()), ...(await benchPortal())];
printSummary(results);
