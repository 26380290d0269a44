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

export async function startEmulator(options: AzureEmulatorOptions = {}): Promise<EmulatorServer> {
  const emulator = createAzureEmulator(options);
  const exchanges: ServedExchange[] = [];
  const server = createServer((req, res) => {
    let settle!: (v: { early: boolean; chunks: number }) => void;
    const exchange: ServedExchange = { method: req.method ?? "GET", path: (req.url ?? "/").split("?")[0]!, closed: new Promise((r) => (settle = r)) };
    exchanges.push(exchange);
    let chunks = 0;
    res.on("close", () => settle({ early: !res.writableFinished, chunks }));
    serve(emulator, req, res, () => chunks++).catch(() => res.destroy());
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

async function serve(emulator: AzureEmulator, req: IncomingMessage, res: ServerResponse, onChunk: () => void): Promise<void> {
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
  const cut = body.toString("utf8").includes(CUT_CONNECTION);
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
