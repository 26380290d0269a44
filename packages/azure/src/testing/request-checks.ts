import { invalidJsonBody, invalidRequest, invalidType, missingParameter } from "./emulator-errors.js";

/** Small typed checks over a parsed JSON body, failing with OpenAI's validation messages. */

export type JsonObject = Record<string, unknown>;

export const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Parses a request body that must be a JSON object. */
export function parseJsonObjectBody(text: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidJsonBody();
  }
  if (!isJsonObject(parsed)) {
    throw invalidRequest(`Invalid type for body: expected an object, but got ${parsed === null ? "null" : Array.isArray(parsed) ? "an array" : `a ${typeof parsed}`} instead.`, null, "invalid_type");
  }
  return parsed;
}

/** The value, or undefined when absent or null. */
export function optional(body: JsonObject, key: string): unknown {
  const value = body[key];
  return value === null ? undefined : value;
}

export function optionalString(body: JsonObject, key: string, param = key): string | undefined {
  const value = optional(body, key);
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw invalidType(param, "a string", value);
  return value;
}

export function requiredString(body: JsonObject, key: string, param = key): string {
  const value = body[key];
  if (value === undefined || value === null) throw missingParameter(param);
  if (typeof value !== "string") throw invalidType(param, "a string", value);
  return value;
}

export function optionalBoolean(body: JsonObject, key: string, param = key): boolean | undefined {
  const value = optional(body, key);
  if (value === undefined) return undefined;
  if (typeof value !== "boolean") throw invalidType(param, "a boolean", value);
  return value;
}

export function optionalObject(body: JsonObject, key: string, param = key): JsonObject | undefined {
  const value = optional(body, key);
  if (value === undefined) return undefined;
  if (!isJsonObject(value)) throw invalidType(param, "an object", value);
  return value;
}

export function optionalArray(body: JsonObject, key: string, param = key): unknown[] | undefined {
  const value = optional(body, key);
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw invalidType(param, "an array", value);
  return value;
}

export interface NumberRange {
  min?: number;
  max?: number;
  integer?: boolean;
}

export function optionalNumber(body: JsonObject, key: string, range: NumberRange = {}, param = key): number | undefined {
  const value = optional(body, key);
  if (value === undefined) return undefined;
  const kind = range.integer ? "integer" : "decimal";
  if (typeof value !== "number" || !Number.isFinite(value) || (range.integer && !Number.isInteger(value))) {
    throw invalidType(param, range.integer ? "an integer" : "a decimal", value);
  }
  if (range.min !== undefined && value < range.min) {
    throw invalidRequest(
      `Invalid '${param}': ${kind} below minimum value. Expected a value >= ${range.min}, but got ${value} instead.`,
      param,
      `${kind}_below_min_value`,
    );
  }
  if (range.max !== undefined && value > range.max) {
    throw invalidRequest(
      `Invalid '${param}': ${kind} above maximum value. Expected a value <= ${range.max}, but got ${value} instead.`,
      param,
      `${kind}_above_max_value`,
    );
  }
  return value;
}

/** `metadata`: at most 16 string pairs, keys up to 64 and values up to 512 characters. */
export function checkMetadata(body: JsonObject): void {
  const metadata = optionalObject(body, "metadata");
  if (!metadata) return;
  const entries = Object.entries(metadata);
  if (entries.length > 16) {
    throw invalidRequest(
      `Invalid 'metadata': too many properties. Expected an object with at most 16 properties, but got an object with ${entries.length} properties instead.`,
      "metadata",
      "object_above_max_properties",
    );
  }
  for (const [key, value] of entries) {
    if (typeof value !== "string") throw invalidType(`metadata.${key}`, "a string", value);
    if (key.length > 64) throw invalidRequest(`Invalid 'metadata': key '${key}' is longer than 64 characters.`, "metadata", "invalid_value");
    if (value.length > 512) throw invalidRequest(`Invalid 'metadata.${key}': string too long. Expected a string with maximum length 512, but got a string with length ${value.length} instead.`, `metadata.${key}`, "string_above_max_length");
  }
}

/** `stream_options` is only allowed together with `stream: true`. */
export function checkStreamOptions(body: JsonObject, stream: boolean): JsonObject | undefined {
  const options = optionalObject(body, "stream_options");
  if (options && !stream) {
    throw invalidRequest("The 'stream_options' parameter is only allowed when 'stream' is enabled.", "stream_options");
  }
  return options;
}
