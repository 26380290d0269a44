/**
 * Reads the SSE bytes a relay writes and hands on each event's data, the JSON that a WebSocket
 * frame carries. The relays write whole events (they hold bytes back to an event's end), so the
 * usual write is parsed at once; a partial event waits for its end all the same.
 */
export class SseFrames {
  #rest = "";
  readonly #decoder = new TextDecoder();

  /** The events' data completed by this write, in order (`[DONE]` and comments dropped). */
  push(chunk: Uint8Array | string): string[] {
    const text = this.#rest + (typeof chunk === "string" ? chunk : this.#decoder.decode(chunk, { stream: true }));
    const out: string[] = [];
    let start = 0;
    for (;;) {
      const end = boundary(text, start);
      if (end === undefined) break;
      const data = eventData(text.slice(start, end.at));
      if (data !== undefined && data !== "[DONE]") out.push(data);
      start = end.next;
    }
    this.#rest = start === 0 ? text : text.slice(start);
    return out;
  }
}

/** The next blank line (`\n\n`, `\r\n\r\n` or `\r\r`) from `from`: where the event ends and the next begins. */
function boundary(text: string, from: number): { at: number; next: number } | undefined {
  for (let i = text.indexOf("\n", from); i !== -1; i = text.indexOf("\n", i + 1)) {
    if (text[i + 1] === "\n") return { at: i, next: i + 2 };
    if (text[i + 1] === "\r" && text[i + 2] === "\n") return { at: i, next: i + 3 };
  }
  const cr = text.indexOf("\r\r", from);
  return cr === -1 ? undefined : { at: cr, next: cr + 2 };
}

/** The `data:` lines of one event, joined with newlines as the SSE spec says; undefined without any. */
function eventData(block: string): string | undefined {
  let data: string | undefined;
  for (const raw of block.split("\n")) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (!line.startsWith("data:")) continue;
    const value = line.charCodeAt(5) === 0x20 ? line.slice(6) : line.slice(5);
    data = data === undefined ? value : `${data}\n${value}`;
  }
  return data;
}
