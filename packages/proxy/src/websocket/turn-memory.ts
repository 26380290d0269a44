import { InvalidRequestError } from "@dheera/core";

/** Ids of responses this connection no longer holds, kept to say so precisely (bounded). */
const FORGOTTEN_IDS = 64;

interface Remembered {
  id: string;
  /** The whole context the response saw and produced: its input, then its output. */
  items: unknown[];
  /** The JSON size of `items`, near enough. */
  bytes: number;
}

/**
 * What a WebSocket connection keeps so that a follow-up with `previous_response_id` and
 * `store: false` continues where the connection's last response left off, as OpenAI's WebSocket
 * mode does: the upstream stored nothing, so the proxy sends the whole context instead (the
 * earlier input, the earlier output, then the new input, with no previous_response_id). Only the
 * most recent unstored response is kept, and only while its context is at most `maxBytes` (the
 * request body limit: the context has to fit one request anyway). A follow-up naming an earlier
 * one, or one too large to keep, gets `previous_response_not_found` saying which of the two.
 * Stored responses (`store` not false) are left to the upstream, which holds them.
 */
export class TurnMemory {
  #last: Remembered | undefined;
  readonly #forgotten = new Map<string, "replaced" | "too_large">();

  constructor(private readonly maxBytes: number) {}

  /**
   * Rewrites a create that continues the remembered response in place: its input becomes the
   * whole context. Answers the context's size, to be remembered with this turn's output.
   */
  expand(body: Record<string, unknown>, frameBytes: number): { items: unknown[]; bytes: number } {
    const input = inputItems(body.input);
    // The frame's size stands for its input's: the input is most of it, and it is known for free.
    const inputBytes = frameBytes;
    const previous = body.previous_response_id;
    if (typeof previous !== "string") return { items: input, bytes: inputBytes };
    if (this.#last?.id === previous) {
      const items = [...this.#last.items, ...input];
      body.input = items;
      delete body.previous_response_id;
      return { items, bytes: this.#last.bytes + inputBytes };
    }
    const why = this.#forgotten.get(previous);
    if (why !== undefined) {
      const reason =
        why === "too_large"
          ? `its context was larger than this connection keeps (${Math.round(this.maxBytes / 1024)} KB)`
          : "a WebSocket connection keeps only its most recent response created with store=false";
      throw new InvalidRequestError(`Previous response with id '${previous}' not found: ${reason}. Send the whole input instead.`, {
        param: "previous_response_id",
        code: "previous_response_not_found",
      });
    }
    return { items: input, bytes: inputBytes };
  }

  /** Keeps a finished unstored response (or a warm-up): its context and its output. */
  remember(id: string, context: { items: unknown[]; bytes: number }, output: unknown[], outputBytes: number): void {
    if (this.#last) this.#forget(this.#last.id, "replaced");
    const bytes = context.bytes + outputBytes;
    if (bytes > this.maxBytes) {
      this.#last = undefined;
      this.#forget(id, "too_large");
      return;
    }
    this.#last = { id, items: output.length === 0 ? context.items : [...context.items, ...output], bytes };
  }

  #forget(id: string, why: "replaced" | "too_large"): void {
    this.#forgotten.set(id, why);
    if (this.#forgotten.size > FORGOTTEN_IDS) this.#forgotten.delete(this.#forgotten.keys().next().value!);
  }
}

/** `input` as items: a string is one user message, as the API reads it. */
function inputItems(input: unknown): unknown[] {
  if (typeof input === "string") return [{ type: "message", role: "user", content: input }];
  return Array.isArray(input) ? input : [];
}
