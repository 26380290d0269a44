import { EventEmitter } from "node:events";
import type { OutgoingHttpHeaders } from "node:http";
import type { HeaderList } from "../http/header-list.js";
import type { Duplex } from "node:stream";
import type { WebSocket } from "ws";
import type { SseTarget } from "../http/response-head.js";
import { SseFrames } from "./sse-frames.js";

/** Frames queued on the connection past this wait for the socket (a slow client slows the upstream read). */
const HIGH_WATER_BYTES = 64 * 1024;

/**
 * One `response.create` turn's answer on a WebSocket, in the shape the pipeline writes a stream
 * to (an SseTarget): each SSE event the relay writes goes out as one text frame holding its
 * data, as OpenAI's WebSocket mode sends them. Headers have nowhere to go on a WebSocket; the
 * ones the pipeline sets (attempts, deployment, rate limits) are kept for the turn's error frame.
 * Ending the answer ends the turn, never the connection.
 */
export class SocketAnswer extends EventEmitter implements SseTarget {
  headersSent = false;
  statusCode = 0;
  writableEnded = false;
  readonly headers: Record<string, string> = {};
  readonly #frames = new SseFrames();
  readonly #onDrain = () => this.emit("drain");
  readonly #onClose = () => this.emit("close");

  constructor(
    private readonly ws: WebSocket,
    private readonly socket: Duplex,
    /** Sees every event's data before it is sent (the turn's memory reads the terminal one). */
    private readonly observe: (data: string) => void,
  ) {
    super();
    socket.on("drain", this.#onDrain);
    ws.on("close", this.#onClose);
  }

  setHeader(name: string, value: number | string | readonly string[]): this {
    this.headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : String(value);
    return this;
  }

  writeHead(status: number, _headers?: OutgoingHttpHeaders | HeaderList): this {
    this.statusCode = status;
    this.headersSent = true;
    return this;
  }

  flushHeaders(): void {}

  write(data: Uint8Array | string): boolean {
    for (const event of this.#frames.push(data)) {
      this.observe(event);
      this.ws.send(event);
    }
    return this.ws.bufferedAmount < HIGH_WATER_BYTES;
  }

  end(): this {
    this.writableEnded = true;
    return this;
  }

  // The frames of one upstream read leave in one write, as the SSE path's do (ws writes each
  // frame's header and payload separately; a corked socket sends them together).
  cork(): void {
    this.socket.cork();
  }

  uncork(): void {
    this.socket.uncork();
  }

  get writableCorked(): number {
    return this.socket.writableCorked;
  }

  get destroyed(): boolean {
    return this.ws.readyState !== this.ws.OPEN;
  }

  /** The turn is over: stop listening on the connection. */
  dispose(): void {
    this.socket.off("drain", this.#onDrain);
    this.ws.off("close", this.#onClose);
  }
}
