export * from "./price-entry.js";
export * from "./find-price.js";
export * from "./token-usage.js";
export * from "./compute-cost.js";
export * from "./stream-accounting.js";
export * from "./logging-payload.js";
