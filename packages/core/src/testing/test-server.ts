import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/* A real HTTP server on 127.0.0.1 with an OS-chosen port, for transport tests. */

export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Closes the server and every open connection (a hanging response included). */
  close(): Promise<void>;
}

export async function startTestServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>,
): Promise<TestServer> {
  const server = createServer((req, res) => {
    Promise.resolve(handler(req, res)).catch((err: unknown) => {
      res.destroy(err instanceof Error ? err : new Error(String(err)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port that nothing listens on (it was just released). */
export async function closedPort(): Promise<number> {
  const server = await startTestServer(() => {});
  await server.close();
  return server.port;
}

export async function readRequestBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** A handler that writes `total` bytes as fast as the client reads them; `written()` tells how far it got. */
export function floodHandler(total: number): { handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>; written(): number } {
  const chunk = Buffer.alloc(64 * 1024, "x");
  let written = 0;
  return {
    written: () => written,
    async handler(_req, res) {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      while (written < total) {
        written += chunk.length;
        if (!res.write(chunk)) await new Promise((r) => res.once("drain", r));
      }
      res.end();
    },
  };
}

/** A handler that sends one SSE event and keeps the stream open; `closed` resolves when the client's connection goes. */
export function openStreamHandler(): { handler: (req: IncomingMessage, res: ServerResponse) => void; closed: Promise<void> } {
  let resolve!: () => void;
  const closed = new Promise<void>((r) => (resolve = r));
  return {
    closed,
    handler(req, res) {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("data: 1\n\n");
      req.socket.once("close", resolve);
    },
  };
}
