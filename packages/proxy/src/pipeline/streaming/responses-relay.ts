import { TERMINAL_RESPONSE_EVENT_TYPES, type OpenAIErrorBody } from "@dheera/core";
import { lastBoundaryEnd } from "./event-boundary.js";
import type { SseRelay } from "./sse-relay.js";

const LIFECYCLE = new Set(["response.created", "response.in_progress", "response.queued", ...TERMINAL_RESPONSE_EVENT_TYPES]);
const BOUNDARY = /\r\n\r\n|\n\n|\r\r/g;
const LF = 0x0a;
const CR = 0x0d;
const BLANK_LF = Buffer.from("\n\n");
const EVENT_FIELD = Buffer.from("event:");
const DATA_FIELD = Buffer.from("data:");

export interface ResponsesRelayOptions {
  /** The previous_response_id sent upstream, which the snapshots echo. */
  previousUpstreamId?: string | undefined;
  /** Told about every event (usage, ids, errors on the side), e.g. a `StreamTap`. */
  observer?: ResponsesEventObserver | undefined;
  /**
   * Put in front of every `encrypted_content` (core's `encryptedContentMark`), so a replay of
   * that reasoning finds its way back to this deployment.
   */
  encryptedMark?: string | undefined;
  /** Removes known secrets from a text: applied to the bytes of error and failure events. */
  redact?: ((text: string) => string) | undefined;
  /** Other upstream ids the events echo, with the caller's: a conversation's. */
  ids?: ReadonlyArray<{ upstreamId: string; id: string }> | undefined;
  /**
   * The previous_response_id the caller sent when the proxy sent the whole conversation instead
   * (a WebSocket follow-up of an unstored response): the snapshots' `null` becomes it again.
   */
  echoPrevious?: string | undefined;
}

/**
 * OpenAI's `ResponseErrorEvent` (flat `code`, `message`, `param`, `sequence_number`), with the
 * same fields nested under `error` too, the form some upstreams send and older clients read.
 */
export function responsesErrorEvent(error: OpenAIErrorBody["error"], sequenceNumber: number): string {
  const event = { type: "error", code: error.code, message: error.message, param: error.param, sequence_number: sequenceNumber, error };
  return `event: error\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * What the relay tells about each event it reads (a `StreamTap`): the event's type and its data
 * on demand. Answers the parsed data when it parsed it, so a lifecycle event is parsed once.
 */
export interface ResponsesEventObserver {
  responsesEvent(type: string | undefined, data: () => string): unknown;
}

/**
 * Relays a Responses API event stream. Events are forwarded as the upstream wrote them (the
 * `event:` lines, spacing and order untouched); the only change is the response id, which the
 * first lifecycle event reveals and which is then replaced by the proxy's routable id
 * wherever it occurs, together with an echoed `previous_response_id`. Bytes are held back only
 * up to the end of the current event, so an id is never split across two writes.
 *
 * Works on the upstream's bytes: event boundaries and `event:` lines are found with
 * `Buffer.indexOf`, chunks without an id to replace are passed on as they came, and an event's
 * data is decoded (and parsed) only when its type matters (lifecycle, terminal, error, or what
 * the observer wants).
 */
export class ResponsesRelay implements SseRelay {
  #pending: Buffer | undefined;
  #replacements: { from: string; fromBytes: Buffer; to: string; toBytes: Buffer }[] = [];
  #learned = false;
  #events = 0;
  #finished = false;
  /** The bytes being processed hold an error or failure event: scrub secrets before they go out. */
  #scrub = false;
  private readonly previousUpstreamId: string | undefined;
  private readonly observer: ResponsesEventObserver | undefined;
  private readonly redact: ((text: string) => string) | undefined;

  /** @param encodeId the routable id for an upstream response id */
  constructor(
    private readonly encodeId: (upstreamId: string) => string,
    options: ResponsesRelayOptions = {},
  ) {
    this.previousUpstreamId = options.previousUpstreamId;
    this.observer = options.observer;
    this.redact = options.redact;
    // Upstreams write compact JSON in their events, so the member has one spelling.
    if (options.encryptedMark !== undefined) this.#addReplacement(ENCRYPTED_CONTENT, `${ENCRYPTED_CONTENT}${options.encryptedMark}`);
    for (const { upstreamId, id } of options.ids ?? []) this.#addReplacement(quoted(upstreamId), quoted(id));
    if (options.echoPrevious !== undefined) this.#addReplacement('"previous_response_id":null', `"previous_response_id":${quoted(options.echoPrevious)}`);
  }

  get finished(): boolean {
    return this.#finished;
  }

  push(chunk: Uint8Array): Uint8Array | string {
    let buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.#pending !== undefined) {
      buf = Buffer.concat([this.#pending, buf]);
      this.#pending = undefined;
    }
    const cut = lastBoundaryEnd(buf);
    if (cut === 0) {
      if (buf.length > 0) this.#pending = buf;
      return "";
    }
    if (cut < buf.length) {
      this.#pending = buf.subarray(cut);
      buf = buf.subarray(0, cut);
    }
    return this.#processBytes(buf);
  }

  end(): string {
    const rest = this.#pending === undefined ? "" : this.#pending.toString("utf8");
    this.#pending = undefined;
    // A last event without its blank line still counts (some servers close that way).
    return rest.trim() === "" ? rest : this.#processText(rest.endsWith("\n") ? `${rest}\n` : `${rest}\n\n`);
  }

  errorEvent(error: OpenAIErrorBody["error"]): string {
    this.#finished = true;
    return responsesErrorEvent(error, this.#events++);
  }

  /** Complete events as bytes; the text path handles CR line ends (rare). */
  #processBytes(buf: Buffer): Uint8Array | string {
    if (buf.indexOf(CR) !== -1) return this.#processText(buf.toString("utf8"));
    let start = 0;
    while (start < buf.length) {
      const end = buf.indexOf(BLANK_LF, start);
      const stop = end === -1 ? buf.length : end;
      this.#inspectBytes(buf, start, stop);
      start = end === -1 ? buf.length : end + 2;
    }
    if (this.#scrub) return this.#replace(buf.toString("utf8"));
    return this.#replaceBytes(buf);
  }

  /**
   * The replacements on bytes: the spans between matches are copied once into the output (no
   * decoding to a string, no split and join, no encoding again on the socket's way). A chunk
   * with nothing to replace is passed on as it came.
   */
  #replaceBytes(buf: Buffer): Buffer {
    let out = buf;
    for (const r of this.#replacements) {
      let at = out.indexOf(r.fromBytes);
      if (at === -1) continue;
      const parts: Buffer[] = [];
      let from = 0;
      while (at !== -1) {
        parts.push(out.subarray(from, at), r.toBytes);
        from = at + r.fromBytes.length;
        at = out.indexOf(r.fromBytes, from);
      }
      parts.push(out.subarray(from));
      out = Buffer.concat(parts);
    }
    return out;
  }

  #processText(text: string): string {
    let start = 0;
    BOUNDARY.lastIndex = 0;
    for (let m = BOUNDARY.exec(text); m !== null; m = BOUNDARY.exec(text)) {
      this.#inspectText(text.slice(start, m.index));
      start = m.index + m[0].length;
    }
    if (start < text.length) this.#inspectText(text.slice(start));
    return this.#replace(text);
  }

  #replace(text: string): string {
    let out = text;
    if (this.#scrub) {
      this.#scrub = false;
      if (this.redact) out = this.redact(out);
    }
    for (const { from, to } of this.#replacements) if (out.includes(from)) out = out.split(from).join(to);
    return out;
  }

  /** One event (LF line ends only) in buf[start, stop). */
  #inspectBytes(buf: Buffer, start: number, stop: number): void {
    let name: string | undefined;
    let first = -1;
    let firstEnd = -1;
    let more: [number, number][] | undefined;
    let line = start;
    while (line < stop) {
      let eol = buf.indexOf(LF, line);
      if (eol === -1 || eol > stop) eol = stop;
      if (startsWith(buf, line, eol, DATA_FIELD)) {
        const from = line + (buf[line + 5] === 0x20 ? 6 : 5);
        if (first === -1) {
          first = from;
          firstEnd = eol;
        } else (more ??= []).push([from, eol]);
      } else if (startsWith(buf, line, eol, EVENT_FIELD)) {
        name = buf.toString("utf8", line + 6, eol).trim();
      }
      line = eol + 1;
    }
    if (first === -1) return;
    if (more !== undefined) {
      // Several data lines (rare): joined as the text path does.
      let data = buf.toString("utf8", first, firstEnd);
      for (const [a, b] of more) data += (data ? "\n" : "") + buf.toString("utf8", a, b);
      if (data !== "") this.#event(name, () => data);
      return;
    }
    if (first >= firstEnd) return;
    let data: string | undefined;
    const getData = () => (data ??= buf.toString("utf8", first, firstEnd));
    this.#event(name, getData);
  }

  #inspectText(event: string): void {
    let name: string | undefined;
    let data = "";
    for (const line of event.split(/\r\n|\r|\n/)) {
      if (line.startsWith("data:")) data += (data ? "\n" : "") + line.slice(line[5] === " " ? 6 : 5);
      else if (line.startsWith("event:")) name = line.slice(6).trim();
    }
    if (data === "") return;
    this.#event(name, () => data);
  }

  /** Looks at one event: counts it, learns the id from the first lifecycle event, notices the end. */
  #event(name: string | undefined, data: () => string): void {
    this.#events++;
    // Without an `event:` line the type is in the JSON; only then is every event parsed.
    let parsed: unknown;
    let type = name;
    if (type === undefined) {
      parsed = parseJson(data());
      const t = (parsed as { type?: unknown } | undefined)?.type;
      type = typeof t === "string" ? t : undefined;
    }
    const observed = this.observer?.responsesEvent(type, data);
    if (observed !== undefined) parsed = observed;
    if (type === "error") {
      this.#finished = true;
      // An upstream may echo what it was sent (a key) in its error: never passed on.
      this.#scrub = this.redact !== undefined;
      return;
    }
    if (type === "response.failed") this.#scrub = this.redact !== undefined;
    if (type === undefined || !LIFECYCLE.has(type)) return;
    if (TERMINAL_RESPONSE_EVENT_TYPES.has(type)) this.#finished = true;
    if (this.#learned) return;
    const response = responseOf(parsed ?? parseJson(data()));
    if (!response) return;
    if (typeof response.id === "string" && response.id !== "") {
      this.#learned = true;
      this.#learn(response.id);
      const prev = this.previousUpstreamId;
      if (prev && prev !== response.id) this.#learn(prev);
    }
  }

  #learn(upstreamId: string): void {
    this.#addReplacement(quoted(upstreamId), quoted(this.encodeId(upstreamId)));
  }

  #addReplacement(from: string, to: string): void {
    this.#replacements.push({ from, fromBytes: ownBytes(from), to, toBytes: ownBytes(to) });
  }
}

/**
 * A string's bytes in a buffer of their own: `Buffer.from` of a short string is a slice of an
 * 8 KB shared pool, and a relay held open for minutes would keep that whole pool alive.
 */
function ownBytes(text: string): Buffer {
  const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(text));
  bytes.write(text);
  return bytes;
}

const ENCRYPTED_CONTENT = '"encrypted_content":"';

/** Replacing `"id"` with its quotes keeps a substring of other text from ever matching. */
const quoted = (s: string) => JSON.stringify(s);

function startsWith(buf: Buffer, at: number, end: number, prefix: Buffer): boolean {
  if (end - at < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (buf[at + i] !== prefix[i]) return false;
  return true;
}

function parseJson(data: string): unknown {
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return undefined;
  }
}

function responseOf(parsed: unknown): { id?: unknown } | undefined {
  const response = (parsed as { response?: unknown } | null | undefined)?.response;
  return typeof response === "object" && response !== null ? (response as { id?: unknown }) : undefined;
}
