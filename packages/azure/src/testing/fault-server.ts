import { acceptResponsesSockets, type SocketPaths } from "./responses-socket-server.js";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createAzureEmulator, type AzureEmulator } from "./azure-emulator.js";
import { jsonResponse, sleep } from "./emulator-http.js";
import type { AzureEmulatorOptions } from "./emulator-types.js";
import { readWebRequest, writeWebResponse } from "./node-http-server.js";

/**
 * A fault the server injects into one exchange instead of (or into) the emulator's answer:
 *
 * - `http_500`: a 500 with the emulated service's JSON error body (Azure's by default).
 * - `http_429`: a 429 with the service's body and `retry-after: 0` (a client may retry at once).
 * - `reset_before_headers`: the connection is reset before any answer.
 * - `reset_before_first_event`: 200 and the SSE headers, then a reset before the first event.
 * - `error_event_first`: 200, then an `error` event as the stream's only event, nested
 *   (`{ type: "error", error: { ... } }`); `flat_error_event_first`: in OpenAI's flat
 *   `ResponseErrorEvent` form (`{ type: "error", code, message, param }`).
 * - `reset_mid_body`: the emulator's answer, cut by a reset once its first SSE event is out
 *   (a JSON answer: its first half).
 */
export type EmulatorFault =
  | "http_500"
  | "http_429"
  | "reset_before_headers"
  | "reset_before_first_event"
  | "error_event_first"
  | "flat_error_event_first"
  | "reset_mid_body";

/** What a fault decision sees of a request. */
export interface EmulatorFaultContext {
  method: string;
  /** The path, without the query. */
  path: string;
  /** The parsed JSON body (undefined when empty or not a JSON object). */
  body: Record<string, unknown> | undefined;
}

/** One request the server received, faulted or not. */
export interface EmulatorExchange extends EmulatorFaultContext {
  fault: EmulatorFault | undefined;
  /**
   * Settles once the server side of the exchange is over: `early` when the connection closed
   * before the answer was complete (a client abort, or a reset fault), with the number of body
   * chunks written by then.
   */
  closed: Promise<{ early: boolean; chunks: number }>;
}

export interface EmulatorServerOptions {
  /** Decides each request's fault; undefined (or no function) lets the emulator answer. */
  fault?: (request: EmulatorFaultContext) => EmulatorFault | undefined;
}

/** Anything that answers web requests: the Azure emulator, or another provider's emulator built on its engine. */
export interface FaultServerHandler {
  handle(request: Request): Promise<Response>;
}

/** The answers to the injected `http_500` and `http_429` faults, in the emulated service's words. */
export interface InjectedErrorAnswers {
  http_500(): Response;
  /** `retry-after: 0` is added when the answer has no `retry-after`, so a client retries at once. */
  http_429(): Response;
}

export interface EmulatorServer<E extends FaultServerHandler = AzureEmulator> {
  /** The emulator behind the server (its `requests` holds only what reached it). */
  emulator: E;
  /** `http://127.0.0.1:<port>`, to use as api_base. */
  url: string;
  /** Every request received, oldest first, faulted or not. */
  exchanges: EmulatorExchange[];
  /** Cuts open connections and closes the server. */
  close(): Promise<void>;
}

/**
 * The Azure emulator on a real loopback server (127.0.0.1, free port) that misbehaves on
 * purpose, for testing retries, fallbacks and error handling against real sockets: `fault`
 * picks, per request, an error status, a reset connection or a broken stream instead of the
 * emulator's answer. Every exchange is recorded, so a test can tell which server a request
 * reached, what it sent, and whether the client let go of the answer early.
 *
 * ```ts
 * const server = await startEmulatorServer({}, { fault: ({ method }) => (method === "POST" ? "http_429" : undefined) });
 * // ... point a client that retries once at server.url, send one request, then:
 * expect(server.exchanges.map((e) => e.fault)).toEqual(["http_429", "http_429"]);
 * await server.close();
 * ```
 */
export function startEmulatorServer(options: AzureEmulatorOptions = {}, serverOptions: EmulatorServerOptions = {}): Promise<EmulatorServer> {
  return startFaultServer(createAzureEmulator(options), serverOptions, AZURE_INJECTED_ERRORS);
}

/**
 * The same fault-injecting loopback server around any emulator (`handle`), with `errors` for
 * the injected error statuses: how another provider's emulator offers `startEmulatorServer`.
 */
export async function startFaultServer<E extends FaultServerHandler>(
  emulator: E,
  { fault: decide }: EmulatorServerOptions = {},
  errors: InjectedErrorAnswers = AZURE_INJECTED_ERRORS,
  /** Where the emulator serves WebSocket mode (default Azure's v1 path); false: nowhere. */
  socketPaths?: SocketPaths | false,
): Promise<EmulatorServer<E>> {
  const exchanges: EmulatorExchange[] = [];
  const server = createServer((req, res) => {
    let chunks = 0;
    const closed = new Promise<{ early: boolean; chunks: number }>((resolve) => res.on("close", () => resolve({ early: !res.writableFinished, chunks })));
    const serve = async () => {
      const request = await readWebRequest(req, res, "127.0.0.1");
      const json: unknown = await request.clone().json().catch(() => undefined);
      const body = typeof json === "object" && json !== null ? (json as Record<string, unknown>) : undefined;
      const seen = { method: request.method, path: new URL(request.url).pathname, body };
      const fault = decide?.(seen);
      exchanges.push({ ...seen, fault, closed });
      if (fault === "reset_before_headers") return void req.socket.destroy();
      await writeWebResponse(res, await answer(fault, () => emulator.handle(request), errors), () => chunks++);
    };
    // A failing body (an injected reset included) cuts the connection.
    serve().catch(() => res.destroy());
  });
  const sockets = await acceptResponsesSockets(server, (request) => emulator.handle(request), () => `http://127.0.0.1:${port}`, socketPaths);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    emulator,
    url: `http://127.0.0.1:${port}`,
    exchanges,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        sockets.closeAll();
      }),
  };
}

const AZURE_INJECTED_ERRORS: InjectedErrorAnswers = {
  http_500: () => jsonResponse(500, { error: { code: "500", message: "Internal server error (injected)." } }),
  http_429: () => jsonResponse(429, { error: { code: "429", message: "Rate limit reached (injected)." } }, { "retry-after": "0" }),
};

const INJECTED_ERROR = { type: "server_error", code: "server_error", message: "The server had an error (injected).", param: null };

/** The answer with `fault` in place of (or made of) the emulator's. */
async function answer(fault: Exclude<EmulatorFault, "reset_before_headers"> | undefined, emulatorAnswer: () => Promise<Response>, errors: InjectedErrorAnswers): Promise<Response> {
  switch (fault) {
    case undefined:
      return emulatorAnswer();
    case "http_500":
      return errors.http_500();
    case "http_429": {
      const limited = errors.http_429();
      if (!limited.headers.has("retry-after")) limited.headers.set("retry-after", "0");
      return limited;
    }
    case "reset_before_first_event":
      return eventStream(thenReset([]));
    case "error_event_first":
      return eventStream(`event: error\ndata: ${JSON.stringify({ type: "error", sequence_number: 0, error: INJECTED_ERROR })}\n\n`);
    case "flat_error_event_first": {
      const { code, message, param } = INJECTED_ERROR;
      return eventStream(`event: error\ndata: ${JSON.stringify({ type: "error", sequence_number: 0, code, message, param })}\n\n`);
    }
    case "reset_mid_body": {
      const whole = await emulatorAnswer();
      return new Response(thenReset(await firstPart(whole)), { status: whole.status, headers: whole.headers });
    }
  }
}

const eventStream = (body: BodyInit): Response => new Response(body, { status: 200, headers: { "content-type": "text/event-stream" } });

/** A body of `chunks` that then fails (20 ms on, time for them to reach the client): the connection is reset. */
function thenReset(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const chunk = chunks.shift();
        if (chunk) {
          controller.enqueue(chunk);
          return;
        }
        await sleep(20);
        controller.error(new Error("Connection reset (injected)."));
      },
    },
    { highWaterMark: 0 },
  );
}

/** What a client gets of `response` before a mid-body reset: a stream's first event, half of any other body. */
async function firstPart(response: Response): Promise<Uint8Array[]> {
  if (!response.headers.get("content-type")?.includes("event-stream")) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    return [bytes.subarray(0, bytes.length >> 1)];
  }
  const reader = response.body!.getReader();
  const chunks: Uint8Array[] = [];
  const decoder = new TextDecoder();
  for (let text = ""; !text.includes("\n\n"); ) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    text += decoder.decode(value, { stream: true });
  }
  void reader.cancel().catch(() => undefined);
  return chunks;
}
