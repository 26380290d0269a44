import { DheeraError, InvalidRequestError } from "@dheera/core";
import { jsonDepthExceeds } from "../http/json-depth.js";

/* What a Responses WebSocket connection reads: the client's frames, and the terminal event of a turn. */

/** A frame's JSON object, or the 400 that says what is wrong with it. */
export function parseFrame(bytes: Buffer, maxDepth: number): Record<string, unknown> | DheeraError {
  if (jsonDepthExceeds(bytes, maxDepth)) {
    return new InvalidRequestError(`The event nests arrays and objects more than ${maxDepth} levels deep.`, { code: "json_too_deep" });
  }
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString("utf8"));
  } catch {
    return new InvalidRequestError("We could not parse the JSON of your event: each frame must be one JSON object.", { code: "invalid_json" });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return new InvalidRequestError("Each event must be a JSON object with a 'type'.", { code: "invalid_json" });
  }
  return value as Record<string, unknown>;
}

/** The response of a terminal event that continues a conversation (completed or incomplete), read only for unstored turns. */
export function readTerminal(data: string): { id: string; output: unknown[]; bytes: number } | undefined {
  if (!data.includes('"response.completed"') && !data.includes('"response.incomplete"')) return undefined;
  const event = JSON.parse(data) as { type?: unknown; response?: { id?: unknown; output?: unknown } };
  if (event.type !== "response.completed" && event.type !== "response.incomplete") return undefined;
  const id = event.response?.id;
  const output = event.response?.output;
  return typeof id === "string" ? { id, output: Array.isArray(output) ? output : [], bytes: data.length } : undefined;
}
