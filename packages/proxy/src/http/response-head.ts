import type { OutgoingHttpHeaders } from "node:http";
import type { HeaderList } from "./header-list.js";

/**
 * What a model call sets on its answer before the first byte: the attempt, deployment and
 * rate-limit headers. An HTTP answer is a ServerResponse; a WebSocket turn has no headers of its
 * own, and keeps what it was told for its log (websocket/socket-answer.ts).
 */
export interface ResponseHead {
  readonly headersSent: boolean;
  setHeader(name: string, value: number | string | readonly string[]): unknown;
}

/**
 * Where a relayed SSE stream is written: a ServerResponse, or a WebSocket turn that sends each
 * event as a frame. What pipe-sse.ts needs of it and nothing more.
 */
export interface SseTarget extends ResponseHead {
  writeHead(status: number, headers?: OutgoingHttpHeaders | HeaderList): unknown;
  flushHeaders(): void;
  write(data: Uint8Array | string): boolean;
  end(): unknown;
  cork(): void;
  uncork(): void;
  readonly writableCorked: number;
  readonly destroyed: boolean;
  readonly writableEnded: boolean;
  on(event: "drain" | "close", listener: () => void): unknown;
  off(event: "drain" | "close", listener: () => void): unknown;
}
