import { TERMINAL_RESPONSE_EVENT_TYPES } from "../wire/responses-stream-events.js";
import { normalizeUsage, type TokenUsage } from "./token-usage.js";

/**
 * Reads what cost and logging need from a stream's events on the side, without touching them:
 * the usage (Responses: the terminal event's response; Chat: the usage chunk, sent only with
 * `stream_options.include_usage`), when the first token arrived, the response id, and a failure
 * the stream reported in-band (`response.failed`, an `error` event or payload). The SDK feeds it
 * parsed events; the proxy can feed it the JSON of each SSE message it forwards.
 */
export class StreamAccounting {
  #usage: TokenUsage | null = null;
  #firstTokenAt: number | null = null;
  #responseId: string | null = null;
  #failure: { code: string | null; message: string } | null = null;
  #terminal: string | null = null;
  #finishReason = false;

  constructor(
    readonly api: "responses" | "chat",
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Usage the stream reported; null until (and unless) it does. */
  get usage(): TokenUsage | null {
    return this.#usage;
  }

  /** `now()` at the first event carrying model output (a text, refusal, reasoning or tool-call delta). */
  get firstTokenAt(): number | null {
    return this.#firstTokenAt;
  }

  get responseId(): string | null {
    return this.#responseId;
  }

  /** The failure the stream reported in its events, if any. */
  get failure(): { code: string | null; message: string } | null {
    return this.#failure;
  }

  /** The terminal event type seen (`response.completed`, ...), Responses only. */
  get terminal(): string | null {
    return this.#terminal;
  }

  /**
   * The answer is complete: a terminal Responses event, or a chat finish_reason. A consumer that
   * stops reading after this point has not cut the answer short.
   */
  get finished(): boolean {
    return this.#terminal !== null || this.#finishReason;
  }

  observe(event: unknown): void {
    if (typeof event !== "object" || event === null) return;
    if (this.api === "responses") this.#responses(event as Record<string, unknown>);
    else this.#chat(event as Record<string, unknown>);
  }

  #responses(event: Record<string, unknown>): void {
    const type = typeof event.type === "string" ? event.type : "";
    const response = asRecord(event.response);
    if (response && typeof response.id === "string" && this.#responseId === null) this.#responseId = response.id;
    if (type.endsWith(".delta")) this.#markFirstToken();
    if (TERMINAL_RESPONSE_EVENT_TYPES.has(type)) {
      this.#terminal = type;
      this.#usage = normalizeUsage(response?.usage) ?? this.#usage;
      if (type === "response.failed") {
        const error = asRecord(response?.error);
        this.#failure ??= { code: stringOrNull(error?.code), message: typeof error?.message === "string" ? error.message : "The response failed." };
      }
    }
    if (type === "error") {
      const nested = asRecord(event.error) ?? event;
      this.#failure ??= { code: stringOrNull(nested.code), message: typeof nested.message === "string" ? nested.message : "The stream reported an error." };
    }
  }

  #chat(chunk: Record<string, unknown>): void {
    const error = asRecord(chunk.error);
    if (error) {
      this.#failure ??= { code: stringOrNull(error.code), message: typeof error.message === "string" ? error.message : "The stream reported an error." };
      return;
    }
    if (typeof chunk.id === "string" && chunk.id !== "" && this.#responseId === null) this.#responseId = chunk.id;
    const usage = normalizeUsage(chunk.usage);
    if (usage) this.#usage = usage;
    if (!Array.isArray(chunk.choices)) return;
    if (this.#firstTokenAt === null && chunk.choices.some(carriesOutput)) this.#markFirstToken();
    if (chunk.choices.some((choice) => typeof asRecord(choice)?.finish_reason === "string")) this.#finishReason = true;
  }

  /**
   * Usage read from somewhere the observed events do not show it (a transform's upstream: a
   * bridged chat stream whose client did not ask for include_usage). Null changes nothing.
   */
  recordUsage(usage: TokenUsage | null): void {
    if (usage) this.#usage = usage;
  }

  /** A failure read from somewhere the observed events do not show it (a transform's upstream). */
  recordFailure(failure: { code: string | null; message: string }): void {
    this.#failure ??= failure;
  }

  #markFirstToken(): void {
    this.#firstTokenAt ??= this.now();
  }
}

function carriesOutput(choice: unknown): boolean {
  const delta = asRecord(asRecord(choice)?.delta);
  if (!delta) return false;
  const text = (v: unknown) => typeof v === "string" && v !== "";
  return (
    text(delta.content) ||
    text(delta.refusal) ||
    text(delta.reasoning_content) ||
    (Array.isArray(delta.tool_calls) && delta.tool_calls.length > 0)
  );
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function stringOrNull(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}
