import type { OpenAIErrorBody, SseMessage } from "@dheera/core";
import { lastBoundaryEnd } from "./event-boundary.js";
import type { SseRelay } from "./sse-relay.js";

const ERROR = /^\s*\{\s*"error"\s*:/;

/**
 * Relays a Chat Completions stream byte for byte, whole events only: bytes are held back to the
 * end of the last complete event in them, so an upstream that breaks inside an event leaves no
 * half event behind for the error chunk to be glued to. Nothing else needs rewriting, so the
 * relay only listens: `onMessage` (fed by WireStream.toSse) sees each event as it passes, to
 * catch `[DONE]` and an upstream error chunk, whose bytes are scrubbed of known secrets.
 */
export class ChatRelay implements SseRelay {
  #finished = false;
  #pending: Buffer | undefined;
  #scrub = false;

  constructor(private readonly redact?: (text: string) => string) {}

  get finished(): boolean {
    return this.#finished;
  }

  readonly onMessage = ({ data }: SseMessage): void => {
    if (data.startsWith("[DONE]")) this.#finished = true;
    else if (ERROR.test(data)) {
      this.#finished = true;
      // An upstream may echo what it was sent (a key) in its error: never passed on.
      this.#scrub = this.redact !== undefined;
    }
  };

  push(chunk: Uint8Array): Uint8Array | string {
    let buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.#pending !== undefined) {
      buf = Buffer.concat([this.#pending, buf]);
      this.#pending = undefined;
    }
    const n = buf.length;
    const cut = lastBoundaryEnd(buf);
    if (cut < n) this.#pending = buf.subarray(cut);
    const out = cut === n ? buf : buf.subarray(0, cut);
    if (!this.#scrub || out.length === 0) return out;
    this.#scrub = false;
    return this.redact!(out.toString("utf8"));
  }

  /** The upstream ended cleanly: a last event without its blank line still counts (some servers close that way). */
  end(): string {
    const rest = this.#pending === undefined ? "" : this.#pending.toString("utf8");
    this.#pending = undefined;
    if (rest.trim() === "") return "";
    if (/^data:\s*\[DONE\]/m.test(rest)) this.#finished = true;
    return rest.endsWith("\n") ? `${rest}\n` : `${rest}\n\n`;
  }

  errorEvent(error: OpenAIErrorBody["error"]): string {
    this.#finished = true;
    return `data: ${JSON.stringify({ error })}\n\n`;
  }
}
