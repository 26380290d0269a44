/**
 * Request bodies from this many UTF-16 units on are handed to undici as a one-shot stream.
 * undici keeps a string or Buffer body (as a Buffer copy) on its request until the response has
 * ended: minutes for a stream, so a Codex-sized request (hundreds of KB of conversation) would
 * stay in memory twice, once as the string we built and once as undici's copy, for as long as
 * the answer streams. Short bodies stay strings: undici writes those with the head, in one write.
 */
export const ONE_SHOT_BODY_CHARS = 16 * 1024;

/** A body undici reads once and cannot keep: it hands out its bytes and forgets them. */
export class OneShotBody implements AsyncIterableIterator<Buffer> {
  #bytes: Buffer | undefined;

  constructor(bytes: Buffer) {
    this.#bytes = bytes;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<Buffer>> {
    const bytes = this.#bytes;
    this.#bytes = undefined;
    return bytes === undefined ? { done: true, value: undefined } : { done: false, value: bytes };
  }

  async return(): Promise<IteratorResult<Buffer>> {
    this.#bytes = undefined;
    return { done: true, value: undefined };
  }
}

/**
 * What undici gets for `body`, and the headers to send with it: a long body as a one-shot stream
 * with its content-length set (so it goes out with a length, never chunked), anything else as is.
 */
export function dispatchBody(headers: Record<string, string>, body: string | undefined): { headers: Record<string, string>; body: string | OneShotBody | null } {
  if (body === undefined || body.length < ONE_SHOT_BODY_CHARS) return { headers, body: body ?? null };
  const bytes = Buffer.from(body);
  const sized: Record<string, string> = {};
  for (const name in headers) if (name.toLowerCase() !== "content-length") sized[name] = headers[name]!;
  sized["content-length"] = String(bytes.length);
  return { headers: sized, body: new OneShotBody(bytes) };
}
