/**
 * Id conversions between the two wire formats. Every id is derived from the upstream's own id
 * (never random), so a completion and its stream agree, and tests are stable.
 */

const RESPONSE_PREFIX = "resp_";
const COMPLETION_PREFIX = "chatcmpl-";
const CALL_PREFIX = "call_";

function stripPrefix(id: string, prefix: string): string {
  return id.startsWith(prefix) ? id.slice(prefix.length) : id;
}

/** `resp_abc` -> `chatcmpl-abc`: the client sees a chat id that still names the upstream response. */
export function chatCompletionIdFromResponseId(responseId: string): string {
  return COMPLETION_PREFIX + stripPrefix(responseId, RESPONSE_PREFIX);
}

/** `chatcmpl-abc` -> `resp_abc`; the inverse of `chatCompletionIdFromResponseId`. */
export function responseIdFromChatCompletionId(completionId: string): string {
  return RESPONSE_PREFIX + stripPrefix(completionId, COMPLETION_PREFIX);
}

/** The id body shared by every item of one response (`resp_abc` -> `abc`). */
export function responseIdBody(responseId: string): string {
  return stripPrefix(responseId, RESPONSE_PREFIX);
}

/**
 * Output item id for the n-th item of a kind in one response: `msg_abc`, `msg_abc_1`, ...
 * The index keeps two message items of one response apart.
 */
export function outputItemId(prefix: "msg" | "rs", responseId: string, n = 0): string {
  const body = responseIdBody(responseId);
  return n === 0 ? `${prefix}_${body}` : `${prefix}_${body}_${n}`;
}

/**
 * `call_xyz` -> `fc_xyz`. Responses clients expect function_call item ids to start with `fc_`
 * (Azure rejects others when they are replayed); Chat only has the call id, so derive from it.
 */
export function functionCallItemId(callId: string): string {
  return "fc_" + stripPrefix(callId, CALL_PREFIX);
}

/** A call id for a legacy `function_call`, which Chat sends without one: `call_<base>_<n>`. */
export function syntheticCallId(base: string, n: number): string {
  return `${CALL_PREFIX}${stripPrefix(stripPrefix(base, RESPONSE_PREFIX), COMPLETION_PREFIX)}_${n}`;
}
