/**
 * Stateless response-id routing. A response id the proxy hands out is
 *
 *     resp_ + base64url("dh1" NUL <deployment key> NUL <upstream id>)
 *
 * so it keeps the `resp_` prefix clients and tools expect, is URL-safe, and carries everything
 * needed to route `GET/DELETE /responses/{id}`, `/cancel`, `/input_items` and
 * `previous_response_id` back to the deployment that created it, with no shared store.
 */

const PREFIX = "resp_";
const MARKER = "dh1\u0000";

export interface DecodedResponseId {
  deploymentKey: string;
  upstreamId: string;
}

export function encodeResponseId(deploymentKey: string, upstreamId: string): string {
  return encodeRoutableId(PREFIX, deploymentKey, upstreamId);
}

/** Undefined when the id was not issued by a Dheera proxy (or was altered). */
export function decodeResponseId(id: string): DecodedResponseId | undefined {
  return decodeRoutableId(PREFIX, id);
}

/** The same scheme for conversation ids: `conv_` + base64url(...), routed back to their deployment. */
export function encodeConversationId(deploymentKey: string, upstreamId: string): string {
  return encodeRoutableId(CONVERSATION_PREFIX, deploymentKey, upstreamId);
}

export function decodeConversationId(id: string): DecodedResponseId | undefined {
  return decodeRoutableId(CONVERSATION_PREFIX, id);
}

const CONVERSATION_PREFIX = "conv_";

function encodeRoutableId(prefix: string, deploymentKey: string, upstreamId: string): string {
  if (deploymentKey.includes("\u0000")) throw new TypeError("A deployment key cannot contain NUL.");
  return prefix + Buffer.from(`${MARKER}${deploymentKey}\u0000${upstreamId}`, "utf8").toString("base64url");
}

function decodeRoutableId(prefix: string, id: string): DecodedResponseId | undefined {
  if (!id.startsWith(prefix)) return undefined;
  const encoded = id.slice(prefix.length);
  if (encoded.length === 0 || !/^[A-Za-z0-9_-]+$/.test(encoded)) return undefined;
  const bytes = Buffer.from(encoded, "base64url");
  // Node's decoder skips what it cannot read: insist on the canonical form.
  if (bytes.toString("base64url") !== encoded) return undefined;
  const text = bytes.toString("utf8");
  if (!text.startsWith(MARKER)) return undefined;
  const rest = text.slice(MARKER.length);
  const sep = rest.indexOf("\u0000");
  if (sep <= 0) return undefined;
  const upstreamId = rest.slice(sep + 1);
  if (upstreamId === "") return undefined;
  // A lossy utf8 decode would not round-trip; such an id is not one we issued.
  if (Buffer.from(text, "utf8").toString("base64url") !== encoded) return undefined;
  return { deploymentKey: rest.slice(0, sep), upstreamId };
}

type WithIds = { id: string; previous_response_id?: unknown };

/**
 * A Response as the client must see it: with routable ids. An echoed previous_response_id names
 * a response on the same upstream, so it is encoded with the same deployment key.
 */
export function rewriteResponseIds<T extends WithIds>(response: T, encode: (upstreamId: string) => string): T {
  const out = { ...response, id: encode(response.id) };
  if (typeof out.previous_response_id === "string" && out.previous_response_id !== "") out.previous_response_id = encode(out.previous_response_id);
  return out;
}

/**
 * `rewriteResponseIds` on the upstream's JSON text: the quoted upstream id (and an echoed
 * previous_response_id) replaced by the routable one wherever it occurs, as the proxy's stream
 * relay does for events. When the text does not hold the id in the form JSON.stringify writes it
 * (an upstream that escapes differently), the parsed body is serialized instead.
 */
export function rewriteRawResponseIds(raw: string, response: WithIds, encode: (upstreamId: string) => string): { text: string; id: string } {
  const id = encode(response.id);
  const prev = response.previous_response_id;
  const pairs: [string, string][] = [[JSON.stringify(response.id), JSON.stringify(id)]];
  if (typeof prev === "string" && prev !== "" && prev !== response.id) pairs.push([JSON.stringify(prev), JSON.stringify(encode(prev))]);
  let text = raw;
  for (const [from, to] of pairs) {
    // Rare: parse the whole text once and write it back.
    if (!text.includes(from)) return { text: JSON.stringify(rewriteResponseIds(JSON.parse(raw) as WithIds, encode)), id };
    text = text.replaceAll(from, to);
  }
  return { text, id };
}
