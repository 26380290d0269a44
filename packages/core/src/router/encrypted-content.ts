/**
 * Stateless affinity for reasoning a client carries itself. With `store: false` a client (the
 * Codex CLI) asks for `include: ["reasoning.encrypted_content"]` and replays those items every
 * turn; only the resource that encrypted them can read them (Azure answers
 * `invalid_encrypted_content` elsewhere). So the content a router hands out is marked with the
 * deployment that issued it,
 *
 *     "encrypted_content": "dh1~" + base64url(<deployment id>) + "~" + <the upstream's content>
 *
 * and the mark is taken off again before a replay goes upstream, pinning that turn to the same
 * deployment, as response ids do for `previous_response_id`. No shared state, any replica.
 */

const MARK = "dh1~";

/** The include value that makes a response carry encrypted reasoning. */
export const ENCRYPTED_REASONING = "reasoning.encrypted_content";

/** What goes in front of the upstream's encrypted content for this deployment. */
export function encryptedContentMark(deploymentId: string): string {
  return `${MARK}${Buffer.from(deploymentId, "utf8").toString("base64url")}~`;
}

/** Whether a Responses request asks for encrypted reasoning in its answer. */
export function wantsEncryptedReasoning(include: unknown): boolean {
  return Array.isArray(include) && include.includes(ENCRYPTED_REASONING);
}

/**
 * Takes the marks off the `encrypted_content` of the input items (in place) and answers the
 * deployment id of the last marked one: the resource that can read this turn's reasoning.
 */
export function takeEncryptedContentMarks(input: unknown): string | undefined {
  if (!Array.isArray(input)) return undefined;
  let last: string | undefined;
  for (const item of input) {
    if (typeof item !== "object" || item === null) continue;
    const content = (item as { encrypted_content?: unknown }).encrypted_content;
    if (typeof content !== "string" || !content.startsWith(MARK)) continue;
    const end = content.indexOf("~", MARK.length);
    if (end === -1) continue;
    const id = Buffer.from(content.slice(MARK.length, end), "base64url").toString("utf8");
    (item as { encrypted_content: string }).encrypted_content = content.slice(end + 1);
    if (id !== "") last = id;
  }
  return last;
}

/** Marks the `encrypted_content` of a parsed Response's output items (a copy of the array). */
export function markEncryptedContent<T extends { output?: unknown }>(response: T, mark: string): T {
  if (!Array.isArray(response.output)) return response;
  const output = response.output.map((item: unknown) => {
    const content = (item as { encrypted_content?: unknown } | null)?.encrypted_content;
    return typeof content === "string" ? { ...(item as object), encrypted_content: mark + content } : item;
  });
  return { ...response, output };
}

/** The same on JSON text (a relayed body or stream event), without parsing it. */
export function markEncryptedContentText(text: string, mark: string): string {
  return text.includes('"encrypted_content"') ? text.replace(/"encrypted_content"(\s*):(\s*)"/g, `"encrypted_content"$1:$2"${mark}`) : text;
}
