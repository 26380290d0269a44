import type { ResponseSummary } from "../provider/deployment.js";
import { INVALID, jsonValueAt, scanJsonArray, scanJsonObject } from "../wire/json-members.js";
import type { ResponseObject } from "../wire/response-object.js";

/*
 * Hand-written checks that accept exactly what core's `responseObjectSchema` accepts (a loose
 * schema without transforms, so a value it accepts comes out unchanged): `isResponseObject` on a
 * parsed value, without zod's copy (zod's safeParse of a whole Response cost more than its
 * JSON.parse); `readResponseSummary` on the JSON text, without building the object, for the raw
 * path where the body is relayed as text. Keep in step with packages/core/src/wire/response-object.ts.
 */

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const isNullish = (v: unknown) => v === null || v === undefined;
const optNumber = (v: unknown) => v === undefined || typeof v === "number";
const nullishString = (v: unknown) => isNullish(v) || typeof v === "string";

function isUsage(v: unknown): boolean {
  if (isNullish(v)) return true;
  if (!isObject(v)) return false;
  if (typeof v.input_tokens !== "number" || typeof v.output_tokens !== "number" || typeof v.total_tokens !== "number") return false;
  const inDetails = v.input_tokens_details;
  if (!isNullish(inDetails) && !(isObject(inDetails) && optNumber(inDetails.cached_tokens))) return false;
  const outDetails = v.output_tokens_details;
  if (!isNullish(outDetails) && !(isObject(outDetails) && optNumber(outDetails.reasoning_tokens))) return false;
  return true;
}

/** True when `value` (from JSON.parse) passes `responseObjectSchema`. */
export function isResponseObject(value: unknown): value is ResponseObject {
  if (!isObject(value) || !hasResponseMembers(value)) return false;
  const output = value.output;
  if (!Array.isArray(output)) return false;
  // Every output item variant ends in `{ type: string }` (loose), so that is all an item needs.
  for (const item of output) if (!isObject(item) || typeof item.type !== "string") return false;
  return true;
}

/** Every member of the schema but `output`. */
function hasResponseMembers(value: Obj): boolean {
  if (typeof value.id !== "string" || value.object !== "response" || typeof value.created_at !== "number" || typeof value.model !== "string") return false;
  if (value.status !== undefined && typeof value.status !== "string") return false;
  const error = value.error;
  if (!isNullish(error) && !(isObject(error) && nullishString(error.code) && typeof error.message === "string")) return false;
  const incomplete = value.incomplete_details;
  if (!isNullish(incomplete) && !(isObject(incomplete) && nullishString(incomplete.reason))) return false;
  return isUsage(value.usage);
}

const MEMBERS = ["id", "object", "created_at", "model", "status", "error", "incomplete_details", "usage", "previous_response_id"];

/**
 * Bodies shorter than this are parsed whole: for a small Response, `JSON.parse` and
 * `isResponseObject` cost less than the scan (a 1.1 KB body: 3.7 us against 5.4; they meet near
 * 8 KB, past which the scan wins more the longer the output is).
 */
const PARSE_BELOW = 4096;

/**
 * The members of a Response a relaying host acts on, from the upstream's JSON text; undefined
 * when the text is not JSON or not a Response that `responseObjectSchema` would accept.
 */
export function readResponseSummary(text: string): ResponseSummary | undefined {
  return text.length < PARSE_BELOW ? parseResponseSummary(text) : scanResponseSummary(text);
}

function parseResponseSummary(text: string): ResponseSummary | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return isResponseObject(value) ? value : undefined;
}

/** One pass over the text: the members are read where they are, `output` is only checked. */
function scanResponseSummary(text: string): ResponseSummary | undefined {
  const value: Obj = Object.create(null) as Obj;
  // Like JSON.parse, the last of repeated members counts.
  let output: boolean | undefined;
  const ok = scanJsonObject(text, 0, text.length, (key, start, end) => {
    if (key === "output") {
      output = isOutputArray(text, start, end);
      return true;
    }
    if (!MEMBERS.includes(key)) return true;
    const v = jsonValueAt(text, start, end);
    if (v === INVALID) return false;
    value[key] = v;
    return true;
  });
  if (!ok || output !== true || !hasResponseMembers(value)) return undefined;
  return value as unknown as ResponseSummary;
}

/** An array whose every item is an object with a string `type` (each output variant ends in a loose `{ type }`). */
function isOutputArray(text: string, start: number, end: number): boolean {
  return scanJsonArray(text, start, end, (s, e) => {
    let type: unknown;
    const isItem = scanJsonObject(text, s, e, (k, vs, ve) => {
      if (k === "type") type = jsonValueAt(text, vs, ve);
      return true;
    });
    return isItem && typeof type === "string";
  });
}
