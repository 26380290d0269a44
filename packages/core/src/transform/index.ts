export * from "./transform.js";
