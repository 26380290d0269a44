export * from "./dheera-error.js";
export * from "./to-openai-error.js";
