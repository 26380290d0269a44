import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import type { WebSocket, WebSocketServer } from "ws";

type Handle = (request: Request) => Promise<Response>;

/**
 * The Responses API's WebSocket mode on the emulator, as Azure serves it on the v1 API
 * (`wss://<resource>/openai/v1/responses`): the key is checked on the upgrade (a refused key is the
 * HTTP answer of the handshake), then each `response.create` frame is one streamed create through
 * the same engine, its events sent as JSON frames; errors are `{"type":"error","status",...}`
 * frames. One response at a time per connection; `generate: false` warm-ups; a follow-up with
 * `previous_response_id` and `store: false` continues from the connection's last response.
 * The classic surface has no WebSocket (404). Needs the `ws` package; without it (or with
 * `paths: false`, a server that has no WebSocket mode) upgrades are refused as such a server
 * refuses them.
 */
/** Where a server serves WebSocket mode: Azure's v1 path (default), or OpenAI's (`/v1/responses`, `/v1/models`). */
export interface SocketPaths {
  /** The WebSocket's path. */
  responses: string;
  /** A GET that checks the handshake's key as the server checks every request. */
  probe: string;
}

const AZURE_PATHS: SocketPaths = { responses: "/openai/v1/responses", probe: "/openai/v1/models" };

export async function acceptResponsesSockets(server: Server, handle: Handle, origin: () => string, paths: SocketPaths | false = AZURE_PATHS): Promise<{ closeAll(): void }> {
  const open = new Set<WebSocket>();
  let wss: WebSocketServer | undefined;
  try {
    const { WebSocketServer: Wss } = await import("ws");
    wss = new Wss({ noServer: true });
  } catch {
    wss = undefined;
  }
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => socket.destroy());
    void upgrade(req, socket, head);
  });

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? "/", origin());
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
    if (wss === undefined || paths === false || url.pathname !== paths.responses) return refuse(socket, await handle(new Request(url, { method: "GET", headers })));
    // The handshake's key and api-version, checked as the engine checks every request.
    const probe = new URL(url);
    probe.pathname = paths.probe;
    const checked = await handle(new Request(probe, { method: "GET", headers }));
    if (!checked.ok) return refuse(socket, checked);
    wss.handleUpgrade(req, socket, head, (ws) => {
      open.add(ws);
      ws.on("close", () => open.delete(ws));
      serveConnection(ws, url, headers, handle);
    });
  }

  return {
    closeAll() {
      for (const ws of open) ws.terminate();
    },
  };
}

/** An HTTP answer on a socket that is not upgraded. */
async function refuse(socket: Duplex, response: Response): Promise<void> {
  const body = await response.text();
  const lines = [`HTTP/1.1 ${response.status} ${response.statusText || "Error"}`, `content-length: ${Buffer.byteLength(body)}`, "connection: close"];
  response.headers.forEach((value, name) => {
    if (name !== "content-length" && name !== "connection") lines.push(`${name}: ${value}`);
  });
  socket.end(`${lines.join("\r\n")}\r\n\r\n${body}`);
}

interface Remembered {
  id: string;
  items: unknown[];
}

function serveConnection(ws: WebSocket, url: URL, headers: Headers, handle: Handle): void {
  let busy = false;
  let last: Remembered | undefined;
  const send = (value: unknown) => ws.send(typeof value === "string" ? value : JSON.stringify(value));
  const fail = (status: number, error: Record<string, unknown>) => send({ type: "error", status, error: { type: "invalid_request_error", param: null, code: null, ...error } });

  ws.on("message", (data) => {
    let frame: Record<string, unknown>;
    try {
      frame = JSON.parse(String(data)) as Record<string, unknown>;
    } catch {
      return fail(400, { message: "Invalid JSON in the event." });
    }
    if (frame.type !== "response.create") return fail(400, { message: `Invalid event type '${String(frame.type)}'.`, param: "type", code: "invalid_value" });
    if (busy) return fail(400, { message: "A response is already in progress on this connection." });
    busy = true;
    void turn(frame).finally(() => (busy = false));
  });

  async function turn(frame: Record<string, unknown>): Promise<void> {
    const { type: _type, generate, stream: _stream, ...body } = frame;
    const input = typeof body.input === "string" ? [{ type: "message", role: "user", content: body.input }] : Array.isArray(body.input) ? body.input : [];
    let context: unknown[] = input;
    let continued: string | undefined;
    if (typeof body.previous_response_id === "string" && body.previous_response_id === last?.id) {
      // The connection's own memory of an unstored response: what the server kept in memory.
      continued = last.id;
      context = [...last.items, ...input];
      body.input = context;
      delete body.previous_response_id;
    }
    if (generate === false) {
      const id = `resp_${Math.random().toString(16).slice(2).padEnd(48, "0").slice(0, 48)}`;
      const response = { id, object: "response", status: "completed", model: body.model, output: [], usage: { input_tokens: 0, output_tokens: 0, total_tokens: 0 } };
      send({ type: "response.created", sequence_number: 0, response: { ...response, status: "in_progress", usage: null } });
      send({ type: "response.completed", sequence_number: 1, response });
      last = { id, items: context };
      return;
    }
    const target = new URL(url);
    const answer = await handle(
      new Request(target, { method: "POST", headers: withTransport(headers, continued), body: JSON.stringify({ ...body, stream: true }) }),
    );
    if (!answer.ok) {
      const parsed = (await answer.json().catch(() => ({}))) as { error?: unknown };
      const retryAfter = answer.headers.get("retry-after");
      return send({ type: "error", status: answer.status, error: parsed.error ?? { message: "The request failed." }, ...(retryAfter ? { headers: { "retry-after": retryAfter } } : {}) });
    }
    // Each event goes out as it comes from the engine (its stream delays included), never the whole stream at once.
    for await (const data of eventData(answer.body)) {
      // A continued response still names the response it continues.
      const json = continued ? data.replace('"previous_response_id":null', `"previous_response_id":${JSON.stringify(continued)}`) : data;
      send(json);
      const event = JSON.parse(json) as { type?: string; response?: { id: string; output?: unknown[] } };
      if (event.type === "response.completed" && event.response) {
        last = body.store === false ? { id: event.response.id, items: [...context, ...(event.response.output ?? [])] } : undefined;
      }
    }
  }
}

/** The `data:` of each SSE event of a body, as its events arrive (the engine writes `\n`-ended lines). */
async function* eventData(body: ReadableStream<Uint8Array> | null): AsyncGenerator<string> {
  if (!body) return;
  const decoder = new TextDecoder();
  let rest = "";
  const reader = body.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    rest += decoder.decode(read.value, { stream: true });
    let end: number;
    while ((end = rest.indexOf("\n\n")) !== -1) {
      const data = rest.slice(0, end).split("\n").find((line) => line.startsWith("data: "));
      rest = rest.slice(end + 2);
      if (data) yield data.slice(6);
    }
  }
}

/** Marks the engine's request as one a WebSocket turn made (the request log shows it). */
function withTransport(headers: Headers, continued: string | undefined): Headers {
  const out = new Headers(headers);
  for (const name of ["upgrade", "connection", "sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions"]) out.delete(name);
  out.set("content-type", "application/json");
  out.set("x-emulator-transport", "websocket");
  // The turn continued the connection's last response from the server's memory (the log shows it).
  if (continued !== undefined) out.set("x-emulator-continued", continued);
  return out;
}
