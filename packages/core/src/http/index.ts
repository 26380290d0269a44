export * from "./transport.js";
export * from "./undici-transport.js";
export * from "./fetch-transport.js";
export * from "./default-transport.js";
