import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { AzureEmulatorListenOptions, AzureEmulatorServer } from "./emulator-types.js";
import { acceptResponsesSockets, type SocketPaths } from "./responses-socket-server.js";

/**
 * Serves a web-style handler on a real node:http server: converts IncomingMessage to a
 * Request and streams the Response body back chunk by chunk (each SSE frame is written and
 * flushed as it is produced). `close()` ends open streams before closing the server.
 */

type Handler = (request: Request) => Promise<Response>;

export async function listenWithNodeHttp(
  handle: Handler,
  options: AzureEmulatorListenOptions = {},
  /** Where the emulator serves WebSocket mode (default Azure's v1 path); false: nowhere. */
  socketPaths?: SocketPaths | false,
): Promise<AzureEmulatorServer> {
  const host = options.host ?? "127.0.0.1";
  const open = new Set<ServerResponse>();
  let clientAborts = 0;
  const server = createServer((req, res) => {
    open.add(res);
    res.on("close", () => {
      open.delete(res);
      if (!res.writableFinished) clientAborts++;
    });
    serve(handle, req, res, host).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: `Emulator bug: ${String(error)}`, type: "server_error", param: null, code: null } }));
      } else {
        res.destroy();
      }
    });
  });
  const sockets = await acceptResponsesSockets(server, handle, () => `http://${host.includes(":") ? `[${host}]` : host}:${(server.address() as AddressInfo).port}`, socketPaths);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(":") ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    get clientAborts() {
      return clientAborts;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const res of open) res.end();
        server.close(() => resolve());
        server.closeAllConnections();
        sockets.closeAll();
      });
      return closing;
    },
  };
}

async function serve(handle: Handler, req: IncomingMessage, res: ServerResponse, host: string): Promise<void> {
  await writeWebResponse(res, await handle(await readWebRequest(req, res, host)));
}

/**
 * The web Request for a node request, its body read in full (none for GET and HEAD). Its
 * signal aborts when the client goes away before the answer is complete: stop producing it.
 */
export async function readWebRequest(req: IncomingMessage, res: ServerResponse, host: string): Promise<Request> {
  const abort = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) abort.abort();
  });

  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.set(name, value);
  }
  const method = req.method ?? "GET";
  let body: Buffer | undefined;
  if (method !== "GET" && method !== "HEAD") {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    body = Buffer.concat(chunks);
  }
  return new Request(`http://${req.headers.host ?? host}${req.url ?? "/"}`, {
    method,
    headers,
    body: body && body.length > 0 ? new Uint8Array(body) : undefined,
    signal: abort.signal,
  });
}

/**
 * Writes a web Response: status and headers at once, then the body chunk by chunk as it is
 * produced (`onChunk` sees each one once written). A body that fails rejects and leaves the
 * answer open, for the caller to cut the connection: a client sees a broken answer, never a
 * complete-looking one.
 */
export async function writeWebResponse(res: ServerResponse, response: Response, onChunk?: (chunk: Uint8Array) => void): Promise<void> {
  const outHeaders: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    outHeaders[name] = value;
  });
  res.socket?.setNoDelay(true);
  res.writeHead(response.status, outHeaders);
  res.flushHeaders();
  if (!response.body) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  res.on("close", () => {
    reader.cancel().catch(() => undefined);
  });
  for (;;) {
    const { done, value } = await reader.read();
    if (done || res.destroyed || res.writableEnded) break;
    res.write(value);
    onChunk?.(value);
  }
  if (!res.writableEnded && !res.destroyed) res.end();
}
