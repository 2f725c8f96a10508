import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * This SDK's version (its package.json, one directory up from both src/ and dist/): the portal records it
 * with every deployment, to tell which projects a newer SDK would render differently.
 */
export const SDK_VERSION: string = (JSON.parse(readFileSync(join(import.meta.dirname, "..", "package.json"), "utf8")) as { version: string }).version;
