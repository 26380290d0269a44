import { TERMINAL_RESPONSE_EVENT_TYPES, type OpenAIErrorBody } from "@dheera/core";
import type { SseRelay } from "./sse-relay.js";

const LIFECYCLE = new Set(["response.created", "response.in_progress", "response.queued", ...TERMINAL_RESPONSE_EVENT_TYPES]);
const BOUNDARY = /\r\n\r\n|\n\n|\r\r/g;

/**
 * Relays a Responses API event stream. Events are forwarded as the upstream wrote them (the
 * `event:` lines, spacing and order untouched); the only change is the response id, which the
 * first lifecycle event reveals and which is then replaced by the proxy's routable id
 * wherever it occurs, together with an echoed `previous_response_id`. Bytes are held back only
 * up to the end of the current event, so an id is never split across two writes.
 */
export class ResponsesRelay implements SseRelay {
  #decoder = new TextDecoder();
  #pending = "";
  #replacements: [string, string][] = [];
  #learned = false;
  #events = 0;
  #finished = false;

  /**
   * @param encodeId the routable id for an upstream response id
   * @param previousUpstreamId the previous_response_id sent upstream, which the snapshots echo
   */
  constructor(
    private readonly encodeId: (upstreamId: string) => string,
    private readonly previousUpstreamId?: string,
  ) {}

  get finished(): boolean {
    return this.#finished;
  }

  push(chunk: Uint8Array): string {
    this.#pending += this.#decoder.decode(chunk, { stream: true });
    const cut = lastBoundaryEnd(this.#pending);
    if (cut === 0) return "";
    const complete = this.#pending.slice(0, cut);
    this.#pending = this.#pending.slice(cut);
    return this.#process(complete);
  }

  end(): string {
    const rest = this.#pending + this.#decoder.decode();
    this.#pending = "";
    // A last event without its blank line still counts (some servers close that way).
    return rest.trim() === "" ? rest : this.#process(rest.endsWith("\n") ? `${rest}\n` : `${rest}\n\n`);
  }

  errorEvent(error: OpenAIErrorBody["error"]): string {
    this.#finished = true;
    const event = { type: "error", sequence_number: this.#events++, error };
    return `event: error\ndata: ${JSON.stringify(event)}\n\n`;
  }

  #process(text: string): string {
    let start = 0;
    BOUNDARY.lastIndex = 0;
    for (let m = BOUNDARY.exec(text); m !== null; m = BOUNDARY.exec(text)) {
      this.#inspect(text.slice(start, m.index));
      start = m.index + m[0].length;
    }
    if (start < text.length) this.#inspect(text.slice(start));
    let out = text;
    for (const [from, to] of this.#replacements) if (out.includes(from)) out = out.split(from).join(to);
    return out;
  }

  /** Looks at one event: counts it, learns the id from the first lifecycle event, notices the end. */
  #inspect(event: string): void {
    let name: string | undefined;
    let data = "";
    for (const line of event.split(/\r\n|\r|\n/)) {
      if (line.startsWith("data:")) data += (data ? "\n" : "") + line.slice(line[5] === " " ? 6 : 5);
      else if (line.startsWith("event:")) name = line.slice(6).trim();
    }
    if (data === "") return;
    this.#events++;
    // Without an `event:` line the type is in the JSON; only then is every event parsed.
    const type = name ?? peekType(data);
    if (type === "error") {
      this.#finished = true;
      return;
    }
    if (type === undefined || !LIFECYCLE.has(type)) return;
    if (TERMINAL_RESPONSE_EVENT_TYPES.has(type)) this.#finished = true;
    if (this.#learned) return;
    const response = parseResponse(data);
    if (!response) return;
    if (!this.#learned && typeof response.id === "string" && response.id !== "") {
      this.#learned = true;
      this.#replacements.push([quoted(response.id), quoted(this.encodeId(response.id))]);
      const prev = this.previousUpstreamId;
      if (prev && prev !== response.id) this.#replacements.push([quoted(prev), quoted(this.encodeId(prev))]);
    }
  }
}

/** Replacing `"id"` with its quotes keeps a substring of other text from ever matching. */
const quoted = (s: string) => JSON.stringify(s);

function lastBoundaryEnd(text: string): number {
  const a = text.lastIndexOf("\n\n");
  const b = text.lastIndexOf("\r\n\r\n");
  const c = text.lastIndexOf("\r\r");
  return Math.max(a === -1 ? 0 : a + 2, b === -1 ? 0 : b + 4, c === -1 ? 0 : c + 2);
}

function peekType(data: string): string | undefined {
  try {
    const parsed = JSON.parse(data) as { type?: unknown };
    return typeof parsed.type === "string" ? parsed.type : undefined;
  } catch {
    return undefined;
  }
}

function parseResponse(data: string): { id?: unknown } | undefined {
  try {
    const parsed = JSON.parse(data) as { response?: unknown };
    return typeof parsed.response === "object" && parsed.response !== null ? (parsed.response as { id?: unknown }) : undefined;
  } catch {
    return undefined;
  }
}
