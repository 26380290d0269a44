export * from "./common.js";
export * from "./error-body.js";
export * from "./responses-request.js";
export * from "./response-object.js";
export * from "./responses-stream-events.js";
export * from "./chat-request.js";
export * from "./chat-completion.js";
export * from "./parse-wire.js";
