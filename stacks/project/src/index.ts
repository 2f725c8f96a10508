/** Entry point of `pulumi up` in this directory: see config.ts for the stack config it reads. */
import { readProjectConfig } from "./config.js";
import { buildProjectStack } from "./program.js";

const outputs = buildProjectStack(readProjectConfig());

export const namespace = outputs.namespace;
export const apps = outputs.apps;
export const urls = outputs.urls;
