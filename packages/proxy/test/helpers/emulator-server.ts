import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createAzureEmulator, type AzureEmulator } from "@dheera/azure/testing";
import type { AzureEmulatorOptions } from "@dheera/azure/testing";

/**
 * The Azure emulator on a real loopback server, served by this test helper (instead of the
 * emulator's own `listen`) so tests can see the server side of each exchange: whether a
 * response was cut short by the proxy (client abort) and how much was written before.
 * A body containing `[[cut_connection]]` makes the helper destroy the socket once the first
 * complete SSE event is out: an upstream that breaks mid-stream.
 */

export const CUT_CONNECTION = "[[cut_connection]]";

/**
 * A fault the helper injects into one exchange instead of (or into) the emulator's answer:
 * an Azure 500, a 429 with `retry-after: 0`, a connection reset before the headers, or a reset
 * once the first SSE event (or the first half of a JSON body) is out.
 */
export type Fault = "http_500" | "http_429" | "reset_before_headers" | "reset_mid_body";

export interface FaultContext {
  method: string;
  path: string;
  /** The parsed request body (undefined when empty or not JSON). */
  body: Record<string, unknown> | undefined;
}

export interface EmulatorServerOptions {
  /** Decides a fault per request; undefined answers normally. */
  fault?: (context: FaultContext) => Fault | undefined;
}

export interface ServedExchange {
  method: string;
  path: string;
  /** Resolves once the server side is done: true when the connection closed before the answer ended. */
  closed: Promise<{ early: boolean; chunks: number }>;
}

export interface EmulatorServer {
  emulator: AzureEmulator;
  url: string;
  exchanges: ServedExchange[];
  close(): Promise<void>;
}

export async function startEmulator(options: AzureEmulatorOptions = {}, serverOptions: EmulatorServerOptions = {}): Promise<EmulatorServer> {
  const emulator = createAzureEmulator(options);
  const exchanges: ServedExchange[] = [];
  const server = createServer((req, res) => {
    let settle!: (v: { early: boolean; chunks: number }) => void;
    const exchange: ServedExchange = { method: req.method ?? "GET", path: (req.url ?? "/").split("?")[0]!, closed: new Promise((r) => (settle = r)) };
    exchanges.push(exchange);
    let chunks = 0;
    res.on("close", () => settle({ early: !res.writableFinished, chunks }));
    serve(emulator, req, res, () => chunks++, serverOptions.fault).catch(() => res.destroy());
  });
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
      }),
  };
}

async function serve(
  emulator: AzureEmulator,
  req: IncomingMessage,
  res: ServerResponse,
  onChunk: () => void,
  decideFault: EmulatorServerOptions["fault"],
): Promise<void> {
  const abort = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) abort.abort();
  });
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
  const request = new Request(`http://127.0.0.1${req.url ?? "/"}`, {
    method: req.method ?? "GET",
    headers,
    ...(body.length > 0 ? { body: new Uint8Array(body) } : {}),
    signal: abort.signal,
  });
  const fault = decideFault?.({ method: req.method ?? "GET", path: (req.url ?? "/").split("?")[0]!, body: parseBody(body) });
  if (fault === "reset_before_headers") return void req.socket.destroy();
  if (fault === "http_500" || fault === "http_429") {
    const status = fault === "http_500" ? 500 : 429;
    const text = JSON.stringify({ error: { code: String(status), message: status === 500 ? "Internal server error (injected)." : "Rate limit reached (injected)." } });
    res.writeHead(status, { "content-type": "application/json", ...(status === 429 ? { "retry-after": "0" } : {}) });
    return void res.end(text);
  }
  const cut = fault === "reset_mid_body" || body.toString("utf8").includes(CUT_CONNECTION);
  const response = await emulator.handle(request);
  const out: Record<string, string> = {};
  response.headers.forEach((v, k) => (out[k] = v));
  res.writeHead(response.status, out);
  res.flushHeaders();
  if (!response.body) return void res.end();
  if (cut && !(response.headers.get("content-type") ?? "").includes("event-stream")) {
    // A JSON answer: half of it, then the reset.
    const text = Buffer.from(await response.arrayBuffer());
    res.write(text.subarray(0, Math.floor(text.length / 2)));
    await new Promise((r) => setTimeout(r, 20));
    return void res.destroy();
  }
  const reader = response.body.getReader();
  res.on("close", () => void reader.cancel().catch(() => undefined));
  let written = "";
  const decoder = new TextDecoder();
  for (;;) {
    const { done, value } = await reader.read();
    if (done || res.destroyed) break;
    res.write(value);
    onChunk();
    if (cut) {
      written += decoder.decode(value, { stream: true });
      if (written.includes("\n\n")) {
        // let the bytes reach the proxy before the connection breaks
        await new Promise((r) => setTimeout(r, 20));
        res.destroy();
        return;
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
