import { cancelledSnapshot } from "./response-object.js";
import { isJsonObject, type JsonObject } from "./request-checks.js";

/**
 * Stored responses (`store: true`, the default): retrieve, delete, input items, cancel, and
 * the state a `previous_response_id` chain carries (issued call ids, text read so far).
 * A background response stays `queued` until a GET after its ready time.
 */

/** How long a background response stays queued by default (see AzureEmulatorOptions.backgroundDelayMs). */
export const BACKGROUND_DELAY_MS = 1000;

export interface StoredResponse {
  /** What GET returns now. */
  current: JsonObject;
  /** What the response becomes when a background run finishes. */
  final: JsonObject;
  inputItems: JsonObject[];
  background: boolean;
  readyAt: number;
  includeObfuscation: boolean;
  /** Every call_id issued in the chain up to and including this response. */
  chainCallIds: Set<string>;
  /** Function calls of this response that the next turn has to answer. */
  pendingCallIds: string[];
  /** Texts the model has read and written in the chain, for token counting. */
  chainTexts: string[];
}

export class ResponsesStore {
  readonly #responses = new Map<string, StoredResponse>();

  put(id: string, stored: StoredResponse): void {
    this.#responses.set(id, stored);
  }

  /** The stored response, advancing a background run whose time has come. */
  get(id: string, now = Date.now()): StoredResponse | undefined {
    const stored = this.#responses.get(id);
    if (stored?.background && isRunning(stored.current) && now >= stored.readyAt) stored.current = stored.final;
    return stored;
  }

  /** Without advancing background state (for chains and item references). */
  peek(id: string): StoredResponse | undefined {
    return this.#responses.get(id);
  }

  delete(id: string): boolean {
    return this.#responses.delete(id);
  }

  /** Cancels a background run still queued or in progress; returns false when it has finished. */
  cancel(stored: StoredResponse): boolean {
    if (stored.current.status === "cancelled") return true;
    if (!isRunning(stored.current)) return false;
    stored.current = cancelledSnapshot(stored.final);
    stored.final = stored.current;
    stored.pendingCallIds = [];
    return true;
  }

  findItem(id: string): JsonObject | undefined {
    for (const stored of this.#responses.values()) {
      const output = Array.isArray(stored.final.output) ? stored.final.output : [];
      for (const item of [...stored.inputItems, ...output]) if (isJsonObject(item) && item.id === id) return item;
    }
    return undefined;
  }

  clear(): void {
    this.#responses.clear();
  }
}

export function isRunning(response: JsonObject): boolean {
  return response.status === "queued" || response.status === "in_progress";
}

export interface InputItemsPage {
  object: "list";
  data: JsonObject[];
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
}

/** One page of input items: `order` desc by default, `after` is an item id cursor. */
export function pageInputItems(items: JsonObject[], order: "asc" | "desc", limit: number, after: string | undefined): InputItemsPage | undefined {
  const ordered = order === "asc" ? [...items] : [...items].reverse();
  let start = 0;
  if (after !== undefined) {
    const index = ordered.findIndex((item) => item.id === after);
    if (index === -1) return undefined;
    start = index + 1;
  }
  const data = ordered.slice(start, start + limit);
  return {
    object: "list",
    data,
    first_id: (data[0]?.id as string | undefined) ?? null,
    last_id: (data[data.length - 1]?.id as string | undefined) ?? null,
    has_more: start + limit < ordered.length,
  };
}
