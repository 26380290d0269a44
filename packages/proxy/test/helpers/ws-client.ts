import WebSocket from "ws";

/** A plain WebSocket client of our own (the `ws` package): raw frames, close codes, refused upgrades. */
export interface RawSocket {
  ws: WebSocket;
  /** Frames received so far, parsed. */
  frames: Record<string, unknown>[];
  send(event: unknown): void;
  /** Resolves with the frames of one turn: up to its terminal event or error frame. */
  turn(event: unknown): Promise<Record<string, unknown>[]>;
  /** Resolves with the next frame whose type is `type`. */
  next(type: string): Promise<Record<string, unknown>>;
  closed: Promise<{ code: number; reason: string }>;
}

const TERMINAL = new Set(["response.completed", "response.failed", "response.incomplete", "error"]);

export function openSocket(url: string, headers: Record<string, string>): Promise<RawSocket> {
  const ws = new WebSocket(url, { headers });
  const frames: Record<string, unknown>[] = [];
  const waiters: Array<(frame: Record<string, unknown>) => boolean> = [];
  ws.on("message", (data) => {
    const frame = JSON.parse(String(data)) as Record<string, unknown>;
    frames.push(frame);
    for (let i = 0; i < waiters.length; i++) if (waiters[i]!(frame)) waiters.splice(i--, 1);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.once("close", (code, reason) => resolve({ code, reason: String(reason) })));
  const socket: RawSocket = {
    ws,
    frames,
    closed,
    send: (event) => ws.send(typeof event === "string" ? event : JSON.stringify(event)),
    turn(event) {
      const seen: Record<string, unknown>[] = [];
      const done = new Promise<Record<string, unknown>[]>((resolve) =>
        waiters.push((frame) => {
          seen.push(frame);
          if (!TERMINAL.has(frame.type as string)) return false;
          resolve(seen);
          return true;
        }),
      );
      socket.send(event);
      return done;
    },
    next: (type) => new Promise((resolve) => waiters.push((frame) => (frame.type === type ? (resolve(frame), true) : false))),
  };
  return new Promise((resolve, reject) => {
    ws.once("open", () => resolve(socket));
    ws.once("error", reject);
  });
}

/** The HTTP answer to an upgrade the server refused: status, headers and the JSON body. */
export function refusedUpgrade(url: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, unknown>; body: unknown }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once("open", () => reject(new Error("the upgrade was accepted")));
    ws.once("error", () => undefined);
    ws.once("unexpected-response", (_req, res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : undefined }));
    });
  });
}
