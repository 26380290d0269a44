import type { CallType } from "@dheera/core";

/** `gen_ai.operation.name`: creating a Response or a chat completion is a chat turn; the rest keep their call type. */
export const operationName = (type: CallType): string => (type === "responses" || type === "chat" ? "chat" : type);
