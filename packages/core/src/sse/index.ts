export * from "./sse-message.js";
export * from "./sse-decoder.js";
export * from "./wire-stream.js";
export * from "./wire-framing.js";
