import { randomUUID } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { performance } from "node:perf_hooks";
import type { Duplex } from "node:stream";
import {
  DheeraError,
  type CallOptions,
  type ResponsesCreateRequest,
  type ResponsesSocket as UpstreamResponsesSocket,
  type RouterTarget,
  InvalidRequestError,
  isAbortError,
  loggedErrorOf,
  responsesCreateRequestSchema,
  toOpenAIError,
} from "@dheera/core";
import type { RawData, WebSocket } from "ws";
import { beginCall } from "../pipeline/call-record.js";
import { checkModelAccess } from "../pipeline/call-admission.js";
import { acceptCallBody } from "../pipeline/read-call-request.js";
import type { ProxyServices } from "../pipeline/services.js";
import { newRequestContext, type RequestContext } from "../http/request-context.js";
import { finishRequest } from "../http/request-handler.js";
import { responsesState, streamResponse } from "../routes/responses-create.js";
import { errorFrame, errorFrameEvent } from "./error-frame.js";
import { parseFrame, readTerminal } from "./frames-in.js";
import { SocketAnswer } from "./socket-answer.js";
import { TurnMemory } from "./turn-memory.js";
import { warmUpEvents } from "./warm-up.js";

/** A response an upstream WebSocket produced: the proxy's id, the socket, the upstream's id. */
interface SocketHeld {
  id: string;
  socket: UpstreamResponsesSocket;
  upstreamId: string;
}

/** Close codes: 1000 normal (the connection's time is up), 1001 going away (the proxy drains). */
const NORMAL = 1000;
const GOING_AWAY = 1001;

/**
 * One client connection in WebSocket mode on `/v1/responses`. Each `response.create` frame is
 * one turn: a streamed create through the same pipeline as `POST /v1/responses` (key, limits,
 * router, retries and fallbacks before the first event, ids rewritten, usage, spend row and log
 * line per turn), its events sent as JSON frames. One turn at a time per connection, as OpenAI
 * allows; errors are `{"type":"error","status",...}` frames and leave the connection open.
 */
export class ResponsesConnection {
  readonly id = `ws_${randomUUID().replaceAll("-", "")}`;
  readonly openedAt = performance.now();
  turns = 0;
  #active: RequestContext | undefined;
  #draining = false;
  readonly #memory: TurnMemory;
  /**
   * The upstream WebSockets this connection opened, one per deployment that has WebSocket mode
   * (Azure's v1 API, OpenAI), or the failure to open one: the deployment is then called over HTTP
   * for the rest of the connection.
   */
  readonly #upstream = new Map<string, UpstreamResponsesSocket | "http">();
  /** The last unstored response, when it came over an upstream WebSocket: that socket can continue it from its own memory. */
  #lastOverSocket: SocketHeld | undefined;
  /** The upgrade's headers, for each turn's key and spend identity (never its request id: each turn has its own). */
  readonly #headers: IncomingHttpHeaders;

  constructor(
    private readonly s: ProxyServices,
    private readonly ws: WebSocket,
    private readonly socket: Duplex,
    private readonly url: string,
    headers: IncomingHttpHeaders,
  ) {
    const { "x-request-id": _ignored, ...rest } = headers;
    this.#headers = rest;
    this.#memory = new TurnMemory(s.bodyLimitBytes);
    ws.on("message", (data, isBinary) => this.#onMessage(data, isBinary));
    ws.on("close", () => {
      this.#active?.abort("client_closed");
      for (const upstream of this.#upstream.values()) if (upstream !== "http") upstream.close();
    });
  }

  get busy(): boolean {
    return this.#active !== undefined;
  }

  /** The proxy drains: close now when idle, else once the turn in flight is done. */
  drain(): void {
    this.#draining = true;
    if (!this.busy) this.ws.close(GOING_AWAY, "The proxy is shutting down.");
  }

  #send(text: string): void {
    this.ws.send(text);
  }

  #refuse(status: number, err: DheeraError): void {
    this.#send(errorFrame(status, toOpenAIError(err).body.error));
  }

  #onMessage(data: RawData, _isBinary: boolean): void {
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    const frame = parseFrame(bytes, this.s.maxJsonDepth);
    if (frame instanceof DheeraError) return this.#refuse(400, frame);
    const { type, ...body } = frame;
    // Codex acknowledges each response it has read; there is nothing to do with it here.
    if (type === "response.processed") return;
    if (type !== "response.create") {
      const shown = typeof type === "string" ? `'${type.slice(0, 64)}'` : "missing";
      return this.#refuse(
        400,
        new InvalidRequestError(`Invalid event type ${shown}: this connection takes 'response.create' events.`, { param: "type", code: "invalid_event_type" }),
      );
    }
    if (this.busy) {
      return this.#refuse(
        400,
        new InvalidRequestError("A response is already in progress on this connection; send the next response.create after its terminal event.", {
          code: "response_in_progress",
        }),
      );
    }
    if (this.#draining || this.s.isDraining()) {
      this.#refuse(503, new DheeraError("The proxy is shutting down; open a new connection.", { status: 503, code: "proxy_shutting_down" }));
      this.ws.close(GOING_AWAY, "The proxy is shutting down.");
      return;
    }
    if (performance.now() - this.openedAt >= this.s.websocketMaxConnectionMs) {
      const minutes = Math.round((this.s.websocketMaxConnectionMs / 60_000) * 100) / 100;
      this.#refuse(
        400,
        new InvalidRequestError(`Responses websocket connection limit reached (${minutes} minutes). Create a new websocket connection to continue.`, {
          code: "websocket_connection_limit_reached",
        }),
      );
      this.ws.close(NORMAL, "Connection limit reached.");
      return;
    }
    void this.#turn(body, bytes.length);
  }

  async #turn(body: Record<string, unknown>, frameBytes: number): Promise<void> {
    const s = this.s;
    const ctx = newRequestContext("GET", this.url, this.#headers);
    ctx.route = "/responses";
    ctx.log.websocket = this.id;
    ctx.log.stream = true;
    if (s.tracing) ctx.trace = s.tracing.begin(this.#headers, ctx.method, ctx.path);
    this.#active = ctx;
    this.turns++;
    s.inFlight.add(ctx);
    let terminal: { id: string; output: unknown[]; bytes: number } | undefined;
    const unstored = body.store === false;
    const answer = new SocketAnswer(this.ws, this.socket, (data) => {
      if (unstored && terminal === undefined) terminal = readTerminal(data);
    });
    let status = 200;
    try {
      const identity = s.auth.identify(this.#headers, "model");
      ctx.identity = identity instanceof Promise ? await identity : identity;
      // Transport fields of the HTTP create: every turn streams, and runs in the foreground.
      if (body.background === true) {
        throw new InvalidRequestError("'background' is not supported in WebSocket mode; use POST /v1/responses for background responses.", {
          param: "background",
          code: "unsupported_parameter",
        });
      }
      delete body.background;
      const named = typeof body.previous_response_id === "string" ? body.previous_response_id : undefined;
      const newInput = body.input;
      const context = this.#memory.expand(body, frameBytes);
      // Expanded: the upstream sees no previous_response_id, the caller's Response still names it.
      const echoPrevious = named !== undefined && body.previous_response_id === undefined ? named : undefined;
      if (body.generate === false) {
        if (echoPrevious !== undefined) body.previous_response_id = echoPrevious;
        const id = this.#warmUp(body, ctx);
        this.#memory.remember(id, context, [], 0);
        return;
      }
      delete body.generate;
      body.stream = true;
      const call = beginCall(s, ctx, this.#headers, "responses");
      const { request } = acceptCallBody(s, ctx, call, body, responsesCreateRequestSchema);
      const last = this.#lastOverSocket;
      const continueOn =
        echoPrevious !== undefined && last?.id === echoPrevious && !last.socket.closed
          ? { socket: last.socket, previousUpstreamId: last.upstreamId, request: { ...request, input: newInput as ResponsesCreateRequest["input"], previous_response_id: last.upstreamId } }
          : undefined;
      await streamResponse(s, { ctx, res: answer }, call, request, responsesState(s, request), {
        errorEvent: errorFrameEvent,
        socketFor: (target, options) => this.#socketFor(target, options, ctx),
        echoPrevious,
        continueOn,
      });
      status = answer.statusCode || 200;
      if (terminal) {
        this.#memory.remember(terminal.id, context, terminal.output, terminal.bytes);
        this.#lastOverSocket = this.#overSocket(terminal.id);
      }
    } catch (err) {
      status = this.#failed(ctx, answer, err);
    } finally {
      answer.dispose();
      this.#active = undefined;
      finishRequest(s, ctx, status, s.inFlight);
      if (this.#draining || s.isDraining()) this.drain();
    }
  }

  /** The upstream socket that produced the response `id` (the proxy's id says which deployment), if the turn used one. */
  #overSocket(id: string): SocketHeld | undefined {
    const decoded = this.s.router.decodeResponseId(id);
    const socket = decoded && this.#upstream.get(decoded.target.id);
    return decoded && socket && socket !== "http" && !socket.closed ? { id, socket, upstreamId: decoded.upstreamId } : undefined;
  }

  /** This connection's WebSocket to the deployment, opened on its first turn there; undefined: use HTTP. */
  async #socketFor(target: RouterTarget, options: CallOptions, ctx: RequestContext): Promise<UpstreamResponsesSocket | undefined> {
    const known = this.#upstream.get(target.id);
    if (known === "http") return undefined;
    if (known && !known.closed) {
      ctx.log.upstream_websocket = true;
      return known;
    }
    const open = target.deployment.responses?.socket;
    if (!open) {
      this.#upstream.set(target.id, "http");
      return undefined;
    }
    try {
      const socket = await open({ ...(options.signal ? { signal: options.signal } : {}), ...(options.headers ? { headers: options.headers } : {}) });
      this.#upstream.set(target.id, socket);
      ctx.log.upstream_websocket = true;
      return socket;
    } catch (err) {
      this.#upstream.set(target.id, "http");
      this.s.logger.info({ websocket: this.id, deployment_id: target.id, reason: this.s.redactText(err instanceof Error ? err.message : String(err)) }, "upstream WebSocket unavailable; this connection's turns go over HTTP");
      return undefined;
    }
  }

  /** `generate: false`: nothing is generated and nothing is billed; the context is kept for the next turn. */
  #warmUp(body: Record<string, unknown>, ctx: RequestContext): string {
    const { id, events } = warmUpEvents(this.s.router, body);
    ctx.log.model_name = body.model as string;
    checkModelAccess(this.s, ctx, body.model);
    for (const event of events) this.#send(event);
    return id;
  }

  /** A turn that failed: its error frame (unless its stream already ended with one), and its status for the log. */
  #failed(ctx: RequestContext, answer: SocketAnswer, err: unknown): number {
    if (DheeraError.isInstance(err) && err.upstreamRequestId) ctx.log.upstream_request_id ??= err.upstreamRequestId;
    if (ctx.abortCause === "client_closed" && isAbortError(err)) {
      ctx.error = loggedErrorOf(err);
      return 499;
    }
    const shown =
      ctx.abortCause === "shutdown" && isAbortError(err)
        ? new DheeraError("The proxy is shutting down; the response was cut.", { status: 503, code: "proxy_shutting_down" })
        : err;
    if (!DheeraError.isInstance(shown)) this.s.logger.error({ request_id: ctx.id, err: this.s.redact(String(shown)) }, "unexpected error in a WebSocket turn");
    const mapped = toOpenAIError(shown);
    const error = { ...mapped.body.error, message: this.s.redactText(mapped.body.error.message) };
    if (!answer.headersSent) this.#send(errorFrame(mapped.status, error, { ...answer.headers, ...mapped.headers }));
    ctx.error = { status: mapped.status, type: error.type, code: error.code, message: error.message };
    ctx.log.error = { type: error.type, code: error.code, message: error.message };
    return answer.headersSent ? answer.statusCode : mapped.status;
  }
}
