import { STATUS_CODES, type IncomingMessage, type Server } from "node:http";
import type { Duplex } from "node:stream";
import { DheeraError, NotFoundError, toOpenAIError } from "@dheera/core";
import type { WebSocket, WebSocketServer } from "ws";
import { newRequestContext, type RequestContext } from "../http/request-context.js";
import { finishRequest } from "../http/request-handler.js";
import type { RouteTable, WebSocketSession } from "../http/route-table.js";
import type { ProxyServices } from "../pipeline/services.js";

/** A connection that answered no ping within this long is dead (a peer gone without a close). */
const HEARTBEAT_MS = 30_000;

export interface WebSockets {
  /** Open connections. */
  readonly size: number;
  /** The proxy drains: idle connections close now (1001), busy ones after their turn. */
  drain(): void;
  /** Closes whatever is still open (after the drain's grace). */
  closeAll(): void;
}

/**
 * Takes WebSocket upgrades for the routes that accept them (`Route.websocket`): the same route
 * table, prefixes and keys as HTTP, checked before the upgrade so a refused client gets an HTTP
 * answer in the OpenAI error shape (and its log line) rather than a socket that opens and closes.
 */
export function serveWebSockets(server: Server, s: ProxyServices, table: RouteTable): WebSockets {
  const open = new Map<WebSocket, { session: WebSocketSession; alive: boolean }>();
  const pending = new WeakMap<IncomingMessage, RequestContext>();
  // `ws` is loaded at the first upgrade: a proxy that never takes a WebSocket (most) does not
  // keep its 1.5 MB of heap. Frames are bounded like request bodies; compression is not offered
  // (it costs CPU on every event of every stream, for small frames that gain little).
  let wssLoading: Promise<WebSocketServer> | undefined;
  const webSocketServer = () =>
    (wssLoading ??= import("ws").then(({ WebSocketServer: Wss }) => configure(new Wss({ noServer: true, maxPayload: s.bodyLimitBytes, perMessageDeflate: false, clientTracking: false }))));
  function configure(wss: WebSocketServer): WebSocketServer {
    // The 101 names the connection's request id, as every HTTP answer does.
    wss.on("headers", (headers, req) => {
      const ctx = pending.get(req);
      if (ctx) headers.push(`x-request-id: ${ctx.id}`);
    });
    // A handshake ws refuses (a bad Sec-WebSocket-Key or version): answered in the OpenAI shape, and logged.
    wss.on("wsClientError", (err, socket, req) => {
      const ctx = pending.get(req);
      const failure = new DheeraError(`Invalid WebSocket handshake: ${err.message}`, { status: 400, type: "invalid_request_error", code: "invalid_websocket_handshake" });
      if (ctx) fail(ctx, socket, failure);
      else socket.destroy();
    });
    return wss;
  }

  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => socket.destroy());
    void upgrade(req, socket, head);
  });

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const ctx = newRequestContext(req.method ?? "GET", req.url ?? "/", req.headers);
    s.inFlight.add(ctx);
    try {
      if (s.isDraining()) throw new DheeraError("The proxy is shutting down.", { status: 503, code: "proxy_shutting_down" });
      const match = table.match(ctx.method, ctx.path);
      if (match.kind === "not_found") throw new NotFoundError(`Unknown route: ${ctx.method} ${ctx.path}`, { code: "unknown_route" });
      if (match.kind === "method_not_allowed") {
        throw new DheeraError(`Method ${ctx.method} is not allowed on ${ctx.path}. Allowed: ${match.allow}.`, {
          status: 405,
          type: "invalid_request_error",
          code: "method_not_allowed",
          headers: { allow: match.allow },
        });
      }
      ctx.route = match.route.pattern;
      const handler = match.route.websocket;
      if (handler === undefined) {
        throw new DheeraError(`${ctx.method} ${ctx.path} does not take WebSocket connections.`, { status: 400, type: "invalid_request_error", code: "websocket_not_supported" });
      }
      const identity = s.auth.identify(req.headers, match.route.models ? "model" : "admin");
      if (identity instanceof Promise) await identity;
      const wss = await webSocketServer();
      pending.set(req, ctx);
      wss.handleUpgrade(req, socket, head, (ws) => {
        pending.delete(req);
        const session = handler(ws, socket, req.url ?? ctx.path, req.headers);
        const entry = { session, alive: true };
        open.set(ws, entry);
        ws.on("pong", () => (entry.alive = true));
        ws.on("close", () => open.delete(ws));
        ws.on("error", () => ws.terminate());
        if (s.isDraining()) session.drain();
        finishRequest(s, ctx, 101, s.inFlight);
      });
    } catch (err) {
      fail(ctx, socket, err);
    }
  }

  function fail(ctx: RequestContext, socket: Duplex, err: unknown): void {
    const mapped = toOpenAIError(err);
    ctx.error = { status: mapped.status, type: mapped.body.error.type, code: mapped.body.error.code, message: mapped.body.error.message };
    ctx.log.error = { type: mapped.body.error.type, code: mapped.body.error.code, message: mapped.body.error.message };
    refuse(socket, mapped.status, JSON.stringify(mapped.body), { ...mapped.headers, "x-request-id": ctx.id });
    finishRequest(s, ctx, mapped.status, s.inFlight);
  }

  // One timer for every connection: ping, and end those that did not answer the last ping.
  const heartbeat = setInterval(() => {
    for (const [ws, entry] of open) {
      if (!entry.alive) {
        ws.terminate();
        continue;
      }
      entry.alive = false;
      ws.ping();
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();
  server.once("close", () => clearInterval(heartbeat));

  return {
    get size() {
      return open.size;
    },
    drain() {
      for (const { session } of open.values()) session.drain();
    },
    closeAll() {
      for (const ws of open.keys()) ws.terminate();
      clearInterval(heartbeat);
    },
  };
}

/** An HTTP answer on a socket that was not upgraded, then the end of the connection. */
function refuse(socket: Duplex, status: number, body: string, headers: Record<string, unknown>): void {
  if (socket.destroyed) return;
  const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}`, "content-type: application/json", `content-length: ${Buffer.byteLength(body)}`, "connection: close"];
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) lines.push(`${name}: ${String(value)}`);
  socket.end(`${lines.join("\r\n")}\r\n\r\n${body}`);
}
