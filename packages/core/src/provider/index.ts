export * from "./deployment.js";
export * from "./model-reference.js";
export * from "./provider-plugin.js";
export * from "./resolve-provider.js";
