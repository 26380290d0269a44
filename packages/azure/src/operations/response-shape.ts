import type { ResponseObject } from "@dheera/core";

/*
 * A hand-written check that accepts exactly what core's `responseObjectSchema` accepts (for
 * values that come out of `JSON.parse`), without copying the object. Used by the raw path, where
 * the body is relayed as text: the answer must be rejected in the same cases as before, but the
 * validated copy is never needed. Keep in step with packages/core/src/wire/response-object.ts.
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
  if (!isObject(value)) return false;
  if (typeof value.id !== "string" || value.object !== "response" || typeof value.created_at !== "number" || typeof value.model !== "string") return false;
  if (value.status !== undefined && typeof value.status !== "string") return false;
  const error = value.error;
  if (!isNullish(error) && !(isObject(error) && nullishString(error.code) && typeof error.message === "string")) return false;
  const incomplete = value.incomplete_details;
  if (!isNullish(incomplete) && !(isObject(incomplete) && nullishString(incomplete.reason))) return false;
  const output = value.output;
  if (!Array.isArray(output)) return false;
  // Every output item variant ends in `{ type: string }` (loose), so that is all an item needs.
  for (const item of output) if (!isObject(item) || typeof item.type !== "string") return false;
  return isUsage(value.usage);
}
