import { StreamAccounting, TERMINAL_RESPONSE_EVENT_TYPES, readJsonMembers, scanJsonObject, type SseMessage } from "@dheera/core";

const RESPONSE_SNAPSHOTS = new Set(["response.created", "response.in_progress", "response.queued"]);
const SNAPSHOT_MEMBERS = ["id", "status", "error", "usage"];
/** Lifecycle events shorter than this are parsed whole, longer ones scanned for SNAPSHOT_MEMBERS. */
const PARSE_BELOW = 4096;
const TYPE_PREFIX = /^\s*\{\s*"type"\s*:\s*"([^"\\]+)"/;
const CHAT_ERROR = /^\s*\{\s*"error"\s*:/;
const CHAT_USAGE = /"usage"\s*:\s*\{/;
const CHAT_FINISH = /"finish_reason"\s*:\s*"/;

/**
 * Feeds core's StreamAccounting from the SSE messages the proxy forwards (`toSse({ onMessage })`),
 * parsing only the events that can change what it reports: Responses lifecycle, terminal and
 * error events (a delta only counts until the first token, and then by its type alone); Chat
 * chunks until the first token, then only those with usage, a finish_reason or an error. The
 * bytes themselves are never touched.
 */
export class StreamTap {
  readonly accounting: StreamAccounting;

  constructor(readonly api: "responses" | "chat") {
    this.accounting = new StreamAccounting(api);
  }

  readonly onMessage = (message: SseMessage): void => {
    if (this.api === "responses") this.#responses(message);
    else this.#chat(message.data);
  };

  #responses({ event, data }: SseMessage): void {
    this.responsesEvent(event ?? TYPE_PREFIX.exec(data)?.[1], () => data);
  }

  /**
   * One Responses event whose type the caller has already read (`ResponsesRelay`, which reads the
   * `event:` line itself): the data is only produced, and parsed, when it can change what is
   * reported. Answers the parsed data when it parsed it (so the caller need not parse it again),
   * else undefined.
   */
  responsesEvent(type: string | undefined, data: () => string): unknown {
    if (type !== undefined) {
      if (type.endsWith(".delta")) {
        if (this.accounting.firstTokenAt === null) this.accounting.observe({ type });
        return undefined;
      }
      const snapshot = TERMINAL_RESPONSE_EVENT_TYPES.has(type) || (RESPONSE_SNAPSHOTS.has(type) && this.accounting.responseId === null);
      if (snapshot) return this.#observeSnapshot(data());
      if (type !== "error") return undefined;
    }
    return this.#observe(data());
  }

  /**
   * A lifecycle event carries the whole Response (its output is most of the bytes); accounting
   * and the relay read only its type and the response's id, status, error and usage.
   */
  #observeSnapshot(data: string): unknown {
    // A short one is parsed whole: JSON.parse is faster than the scan below a few KB (a 1.2 KB
    // response.completed: 3.5 us against 5.6), and nothing keeps the parsed event.
    if (data.length < PARSE_BELOW) return this.#observe(data);
    let type: unknown;
    let response: Record<string, unknown> | undefined;
    const ok = scanJsonObject(data, 0, data.length, (key, start, end) => {
      if (key === "type") type = data.charCodeAt(start) === 0x22 ? JSON.parse(data.slice(start, end)) : undefined;
      else if (key === "response") response = readJsonMembers(data, SNAPSHOT_MEMBERS, start, end);
      return true;
    });
    if (!ok || typeof type !== "string") return this.#observe(data);
    const summary = { type, response };
    this.accounting.observe(summary);
    return summary;
  }

  #chat(data: string): void {
    if (data.startsWith("[DONE]")) return;
    if (this.accounting.firstTokenAt === null || CHAT_ERROR.test(data) || CHAT_USAGE.test(data) || CHAT_FINISH.test(data)) this.#observe(data);
  }

  #observe(data: string): unknown {
    try {
      const parsed: unknown = JSON.parse(data);
      this.accounting.observe(parsed);
      return parsed;
    } catch {
      // Not JSON: the client sees it as it is; there is nothing to account.
      return undefined;
    }
  }
}
