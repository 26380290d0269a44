import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createAzureEmulator, type AzureEmulator, type AzureEmulatorOptions } from "@dheera/azure/testing";

/**
 * The Azure emulator on a real loopback server that can misbehave on purpose, for router tests:
 * each request may get a fault instead of (or inside) the emulator's answer. Every exchange is
 * recorded, faulted or not, so a test can tell which emulator a request reached.
 *
 * - `http_500`: an Azure-style 500 (JSON).
 * - `http_429`: a 429 with `retry-after: 0` (retried at once, no wait).
 * - `reset_before_headers`: the connection is destroyed before any answer.
 * - `reset_before_first_event`: 200 and the SSE headers, then the connection is destroyed
 *   before the first event.
 * - `error_event_first`: 200, then an `error` event as the stream's first event, in the nested
 *   form (`{ error: { ... } }`); `flat_error_event_first`: in OpenAI's flat `ResponseErrorEvent` form.
 * - `reset_after_first_event`: the emulator's stream, cut once its first event is out.
 */
export type Fault = "http_500" | "http_429" | "reset_before_headers" | "reset_before_first_event" | "error_event_first" | "flat_error_event_first" | "reset_after_first_event";

export interface Exchange {
  method: string;
  path: string;
  /** The parsed JSON body (undefined when empty or not JSON). */
  body: Record<string, unknown> | undefined;
  fault: Fault | undefined;
}

export interface FaultyEmulator {
  emulator: AzureEmulator;
  /** `http://127.0.0.1:<port>`, to use as api_base. */
  url: string;
  exchanges: Exchange[];
  /** The POSTs that reached it (creates), faulted or not. */
  posts(): Exchange[];
  close(): Promise<void>;
}

export async function startFaultyEmulator(options: AzureEmulatorOptions = {}, fault?: (exchange: Omit<Exchange, "fault">) => Fault | undefined): Promise<FaultyEmulator> {
  const emulator = createAzureEmulator(options);
  const exchanges: Exchange[] = [];
  const server = createServer((req, res) => {
    serve(emulator, req, res, exchanges, fault).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    emulator,
    url: `http://127.0.0.1:${port}`,
    exchanges,
    posts: () => exchanges.filter((e) => e.method === "POST"),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function serve(
  emulator: AzureEmulator,
  req: IncomingMessage,
  res: ServerResponse,
  exchanges: Exchange[],
  decide: ((exchange: Omit<Exchange, "fault">) => Fault | undefined) | undefined,
): Promise<void> {
  const abort = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) abort.abort();
  });
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const seen = { method: req.method ?? "GET", path: (req.url ?? "/").split("?")[0]!, body: parseBody(body) };
  const fault = decide?.(seen);
  exchanges.push({ ...seen, fault });

  if (fault === "reset_before_headers") return void req.socket.destroy();
  if (fault === "http_500" || fault === "http_429") {
    const status = fault === "http_500" ? 500 : 429;
    res.writeHead(status, { "content-type": "application/json", ...(status === 429 ? { "retry-after": "0" } : {}) });
    return void res.end(JSON.stringify({ error: { code: String(status), message: status === 500 ? "Internal server error (injected)." : "Rate limit reached (injected)." } }));
  }
  if (fault === "reset_before_first_event" || fault === "error_event_first" || fault === "flat_error_event_first") {
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.flushHeaders();
    if (fault === "reset_before_first_event") {
      // Let the headers reach the client before the connection breaks.
      await new Promise((r) => setTimeout(r, 20));
      return void res.destroy();
    }
    const error = { type: "server_error", code: "server_error", message: "The server had an error (injected).", param: null };
    const event = fault === "error_event_first" ? { type: "error", sequence_number: 0, error } : { type: "error", sequence_number: 0, code: error.code, message: error.message, param: null };
    return void res.end(`event: error\ndata: ${JSON.stringify(event)}\n\n`);
  }

  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
  const request = new Request(`http://127.0.0.1${req.url ?? "/"}`, {
    method: req.method ?? "GET",
    headers,
    ...(body.length > 0 ? { body: new Uint8Array(body) } : {}),
    signal: abort.signal,
  });
  const response = await emulator.handle(request);
  const out: Record<string, string> = {};
  response.headers.forEach((v, k) => (out[k] = v));
  res.writeHead(response.status, out);
  res.flushHeaders();
  if (!response.body) return void res.end();
  const reader = response.body.getReader();
  res.on("close", () => void reader.cancel().catch(() => undefined));
  let written = "";
  const decoder = new TextDecoder();
  for (;;) {
    const { done, value } = await reader.read();
    if (done || res.destroyed) break;
    res.write(value);
    if (fault === "reset_after_first_event") {
      written += decoder.decode(value, { stream: true });
      if (written.includes("\n\n")) {
        await new Promise((r) => setTimeout(r, 20));
        return void res.destroy();
      }
    }
  }
  if (!res.destroyed) res.end();
}

function parseBody(body: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body.toString("utf8"));
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
