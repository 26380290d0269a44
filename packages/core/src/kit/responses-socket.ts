import type { DheeraError } from "../errors/dheera-error.js";
import type { UpstreamBody, UpstreamWebSocket } from "../http/transport.js";
import type { CallOptions, ResponsesSocket, WireStreamResult } from "../provider/deployment.js";
import { WireStream } from "../sse/wire-stream.js";
import type { ResponsesCreateRequest } from "../wire/responses-request.js";
import type { ResponseStreamEvent } from "../wire/responses-stream-events.js";
import type { UpstreamErrorInput } from "./openai-style-error.js";

export interface ResponsesSocketOptions {
  /** `wss://.../responses` (or `ws://`), query included. */
  url: string;
  /** Opens the WebSocket: the transport's `openWebSocket`. */
  connect: (url: string, headers: Record<string, string>) => UpstreamWebSocket;
  headers: Record<string, string>;
  /** The upstream's model name, put in every `response.create`. */
  model: string;
  mapError: (input: UpstreamErrorInput) => DheeraError;
  secrets: readonly string[];
  /** How long the handshake may take, ms. */
  connectTimeoutMs: number;
}

const TERMINAL = new Set(["response.completed", "response.failed", "response.incomplete", "error"]);
const encoder = new TextEncoder();

/**
 * A Responses WebSocket to an upstream that has one (OpenAI, Azure's v1 API): one turn at a time,
 * each `response.create` answered by the stream's events as JSON frames. Each turn is handed to
 * the host as the stream of a streamed HTTP create would be (the events framed as SSE), so the
 * host relays it with the same code. Resolves once the socket is open; any failure to open
 * (refused handshake, unreachable, timeout) rejects, and the host uses HTTP instead.
 */
export function openResponsesSocket(options: ResponsesSocketOptions): Promise<ResponsesSocket> {
  return new Promise((resolve, reject) => {
    const ws = options.connect(options.url, options.headers);
    let closed = false;
    let turn: Turn | undefined;
    const timer = setTimeout(() => {
      ws.close();
      reject(new Error("The upstream's WebSocket did not open in time."));
    }, options.connectTimeoutMs);
    ws.addEventListener("open", () => {
      clearTimeout(timer);
      resolve(socket);
    });
    ws.addEventListener("error", () => {
      clearTimeout(timer);
      reject(new Error("The upstream's WebSocket could not be opened."));
    });
    ws.addEventListener("close", () => {
      clearTimeout(timer);
      closed = true;
      turn?.lost();
      turn = undefined;
    });
    ws.addEventListener("message", (event: { data: unknown }) => {
      const text = typeof event.data === "string" ? event.data : Buffer.from(event.data as ArrayBuffer).toString("utf8");
      const current = turn;
      if (!current) return;
      if (current.frame(text)) turn = undefined;
    });

    const close = () => {
      if (closed) return;
      closed = true;
      ws.close();
    };
    const socket: ResponsesSocket = {
      get closed() {
        return closed;
      },
      close,
      create(request: ResponsesCreateRequest, call?: CallOptions) {
        if (closed) return Promise.reject(new Error("The upstream's WebSocket is closed."));
        if (turn) return Promise.reject(new Error("A response is already in progress on the upstream's WebSocket."));
        const { stream: _stream, background: _background, ...body } = request;
        const started = new Turn(options, close, call?.signal);
        turn = started;
        ws.send(JSON.stringify({ type: "response.create", ...body, model: options.model }));
        return started.first;
      },
    };
  });
}

/**
 * One turn: the first frame settles `first` (an error frame rejects it with the upstream's error,
 * as an HTTP error status would); the frames that follow are queued for the stream's reader.
 */
class Turn {
  readonly first: Promise<WireStreamResult<ResponseStreamEvent>>;
  #settle!: { resolve: (r: WireStreamResult<ResponseStreamEvent>) => void; reject: (e: unknown) => void };
  #started = false;
  readonly #body = new FrameBody();

  constructor(
    private readonly options: ResponsesSocketOptions,
    private readonly closeSocket: () => void,
    signal: AbortSignal | undefined,
  ) {
    this.first = new Promise((resolve, reject) => (this.#settle = { resolve, reject }));
    // A turn cannot be cancelled on the socket: closing it is the only way to stop the upstream.
    signal?.addEventListener("abort", () => this.#abort(signal.reason), { once: true });
  }

  /** Takes one frame; true once the turn is over. */
  frame(text: string): boolean {
    let type: unknown;
    try {
      type = (JSON.parse(text) as { type?: unknown }).type;
    } catch {
      return false; // not JSON: nothing a Responses stream carries
    }
    if (!this.#started) {
      this.#started = true;
      if (type === "error") {
        this.#settle.reject(this.#errorOf(text));
        return true;
      }
      this.#settle.resolve({ status: 200, headers: {}, stream: WireStream.fromSse<ResponseStreamEvent>(this.#body, (reason) => this.#abort(reason)) });
    }
    this.#body.push(encoder.encode(`event: ${String(type)}\ndata: ${text}\n\n`));
    if (!TERMINAL.has(type as string)) return false;
    this.#body.end();
    return true;
  }

  /** The socket closed during the turn. */
  lost(): void {
    const err = new Error("The upstream's WebSocket closed before the response was complete.");
    if (!this.#started) this.#settle.reject(err);
    else this.#body.fail(err);
  }

  #abort(reason: unknown): void {
    this.closeSocket();
    if (!this.#started) this.#settle.reject(reason);
    else this.#body.fail(reason);
  }

  /** `{"type":"error","status":429,"error":{...},"headers":{...}}` as the HTTP answer it stands for. */
  #errorOf(text: string): DheeraError {
    const frame = JSON.parse(text) as { status?: unknown; error?: unknown; headers?: unknown; code?: unknown; message?: unknown };
    const error = frame.error ?? { message: frame.message, code: frame.code };
    const headers = typeof frame.headers === "object" && frame.headers !== null ? (frame.headers as Record<string, string>) : {};
    const status = typeof frame.status === "number" ? frame.status : 500;
    return this.options.mapError({ status, bodyText: JSON.stringify({ error }), headers, secrets: this.options.secrets });
  }
}

/** The frames of one turn as a body of SSE bytes, read as they arrive. */
class FrameBody implements UpstreamBody {
  readonly #chunks: Uint8Array[] = [];
  #done = false;
  #error: unknown;
  #failed = false;
  #wake: (() => void) | undefined;

  push(chunk: Uint8Array): void {
    this.#chunks.push(chunk);
    this.#wake?.();
  }

  end(): void {
    this.#done = true;
    this.#wake?.();
  }

  fail(error: unknown): void {
    if (this.#done) return;
    this.#failed = true;
    this.#error = error;
    this.#done = true;
    this.#wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    for (;;) {
      while (this.#chunks.length > 0) yield this.#chunks.shift()!;
      if (this.#failed) throw this.#error;
      if (this.#done) return;
      await new Promise<void>((resolve) => (this.#wake = resolve));
      this.#wake = undefined;
    }
  }
}
