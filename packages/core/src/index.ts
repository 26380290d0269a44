export * from "./cost/index.js";
export * from "./errors/index.js";
export * from "./http/index.js";
export * from "./provider/index.js";
export * from "./sse/index.js";
export * from "./transform/index.js";
export * from "./wire/index.js";
export * from "./router/index.js";
