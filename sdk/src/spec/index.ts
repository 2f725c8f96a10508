export * from "./schema.js";
export * from "./parse.js";
export * from "./errors.js";
export * from "./names.js";
export * from "./quantity.js";
export * from "./image.js";
export * from "./messages.js";
export * from "./text.js";
